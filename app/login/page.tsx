import { Suspense } from "react";
import { LoginScreen } from "@/components/login/login-screen";

export default function LoginPage() {
  return (
    <Suspense>
      <LoginScreen />
    </Suspense>
  );
}
