CREATE TABLE `blocks` (
	`hash` blob NOT NULL,
	`folder_id` text NOT NULL,
	`name` text NOT NULL,
	`block_index` integer NOT NULL,
	`offset` integer NOT NULL,
	`size` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `blocks_hash` ON `blocks` (`hash`);--> statement-breakpoint
CREATE INDEX `blocks_file` ON `blocks` (`folder_id`,`name`);--> statement-breakpoint
CREATE TABLE `conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`folder_id` text NOT NULL,
	`name` text NOT NULL,
	`conflict_name` text NOT NULL,
	`detected_at` integer NOT NULL,
	`winner` text NOT NULL,
	`loser` text NOT NULL,
	`resolved_at` integer,
	`resolution` text
);
--> statement-breakpoint
CREATE INDEX `conflicts_folder` ON `conflicts` (`folder_id`,`resolved_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `conflicts_copy` ON `conflicts` (`folder_id`,`conflict_name`);--> statement-breakpoint
CREATE TABLE `devices` (
	`device_id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`addresses` text DEFAULT '["dynamic"]' NOT NULL,
	`introducer` integer DEFAULT false NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`compression` text DEFAULT 'metadata' NOT NULL,
	`cert_name` text DEFAULT '' NOT NULL,
	`added_at` integer NOT NULL,
	`last_seen_at` integer,
	`last_address` text,
	`client_name` text,
	`client_version` text,
	`max_send_kbps` integer DEFAULT 0 NOT NULL,
	`max_recv_kbps` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `files` (
	`folder_id` text NOT NULL,
	`device_id` text NOT NULL,
	`name` text NOT NULL,
	`type` integer NOT NULL,
	`size` integer NOT NULL,
	`permissions` integer NOT NULL,
	`modified_s` integer NOT NULL,
	`modified_ns` integer NOT NULL,
	`modified_by` text NOT NULL,
	`deleted` integer NOT NULL,
	`invalid` integer NOT NULL,
	`no_permissions` integer NOT NULL,
	`version` text NOT NULL,
	`sequence` integer NOT NULL,
	`block_size` integer NOT NULL,
	`block_hashes` blob,
	`symlink_target` text DEFAULT '' NOT NULL,
	`local_flags` integer DEFAULT 0 NOT NULL,
	`inode` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `files_pk` ON `files` (`folder_id`,`device_id`,`name`);--> statement-breakpoint
CREATE INDEX `files_sequence` ON `files` (`folder_id`,`device_id`,`sequence`);--> statement-breakpoint
CREATE TABLE `folder_devices` (
	`folder_id` text NOT NULL,
	`device_id` text NOT NULL,
	`remote_index_id` text DEFAULT '0' NOT NULL,
	`remote_max_sequence` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`folder_id`) REFERENCES `folders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`device_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `folder_devices_pk` ON `folder_devices` (`folder_id`,`device_id`);--> statement-breakpoint
CREATE TABLE `folders` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`path` text NOT NULL,
	`type` text DEFAULT 'sendreceive' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`rescan_interval_s` integer DEFAULT 3600 NOT NULL,
	`fs_watcher_enabled` integer DEFAULT true NOT NULL,
	`fs_watcher_delay_s` integer DEFAULT 10 NOT NULL,
	`ignore_perms` integer DEFAULT false NOT NULL,
	`max_conflicts` integer DEFAULT 10 NOT NULL,
	`versioning` text DEFAULT '{"type":"none","params":{}}' NOT NULL,
	`index_id` text NOT NULL,
	`max_sequence` integer DEFAULT 0 NOT NULL,
	`epoch` integer DEFAULT 0 NOT NULL,
	`epoch_primary` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pending_devices` (
	`device_id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ignored` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pending_folders` (
	`folder_id` text NOT NULL,
	`device_id` text NOT NULL,
	`label` text DEFAULT '' NOT NULL,
	`type` text DEFAULT 'sendreceive' NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ignored` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pending_folders_pk` ON `pending_folders` (`folder_id`,`device_id`);