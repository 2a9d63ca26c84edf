import { FoldersScreen } from "@/components/folders/folders-screen";

export default function FoldersPage() {
  return <FoldersScreen />;
}
