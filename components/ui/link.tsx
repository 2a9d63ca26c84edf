import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * next/link without prefetching. Every page load used to prefetch each visible link's page (six
 * server renders for the navigation alone) while its own data query waited behind them on the
 * node's one event loop; the pages here are client components whose data comes over tRPC, so a
 * click costs one small render and nothing is fetched that nobody opens.
 */
export default function Link(props: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={false} {...props} />;
}
