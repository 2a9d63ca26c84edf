"use client";

import { PageTitle } from "@/components/shell/page-title";
import { ApiKeyPanel } from "./api-key-panel";
import { GeneralForm } from "./general-form";
import { PasswordForm } from "./password-form";

export function SettingsScreen() {
  return (
    <div className="space-y-5">
      <PageTitle title="settings.title" />
      <div className="grid gap-5 lg:grid-cols-2">
        <GeneralForm />
        <div className="space-y-5">
          <PasswordForm />
          <ApiKeyPanel />
        </div>
      </div>
    </div>
  );
}
