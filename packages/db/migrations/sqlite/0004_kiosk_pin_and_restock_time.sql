ALTER TABLE `machines` ADD `service_pin` text;
--> statement-breakpoint
ALTER TABLE `channels` ADD `restocked_at` integer;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `door_opened_at` integer;
