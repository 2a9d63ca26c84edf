"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { isUnauthorized, goToLogin } from "./errors";
import { createFerryClient, TRPCProvider } from "./trpc";

function makeQueryClient() {
  return new QueryClient({
    // A query answered with 401 means the session ended: go to the login page. Mutations are left
    // alone, because "wrong current password" is also UNAUTHORIZED and belongs inline on the form.
    queryCache: new QueryCache({ onError: (err) => isUnauthorized(err) && goToLogin() }),
    mutationCache: new MutationCache(),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, err) => !isUnauthorized(err) && failures < 2,
      },
    },
  });
}

export function TrpcQueryProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(createFerryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
