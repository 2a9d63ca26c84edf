CREATE TABLE `plan_versions` (
	`plan_id` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`definition` text NOT NULL,
	`applied_at` integer NOT NULL,
	`applied_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plan_versions_pk` ON `plan_versions` (`plan_id`,`version`);--> statement-breakpoint
CREATE TABLE `plans` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`definition` text NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`last_tick_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `recovery_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`run_id` integer NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`location` text NOT NULL,
	`ref` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`verified` integer
);
--> statement-breakpoint
CREATE INDEX `recovery_points_subject` ON `recovery_points` (`subject`,`created_at`);--> statement-breakpoint
CREATE INDEX `recovery_points_plan` ON `recovery_points` (`plan_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `run_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`attempt_id` integer,
	`time` integer NOT NULL,
	`stream` text NOT NULL,
	`line` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `run_logs_run` ON `run_logs` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`plan_version` integer NOT NULL,
	`trigger` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`state` text NOT NULL,
	`scheduled_for` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`error` text,
	`actor` text DEFAULT 'scheduler' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_plan` ON `runs` (`plan_id`,`id`);--> statement-breakpoint
CREATE INDEX `runs_state` ON `runs` (`state`);--> statement-breakpoint
CREATE TABLE `secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`attempt` integer NOT NULL,
	`state` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`error` text,
	`result` text,
	`log_bytes` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_attempts_run` ON `task_attempts` (`run_id`,`task_id`,`attempt`);--> statement-breakpoint
CREATE INDEX `task_attempts_state` ON `task_attempts` (`state`);