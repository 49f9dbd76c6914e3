ALTER TABLE `machine_types` DROP CONSTRAINT `machine_types_channel_count_chk`;
--> statement-breakpoint
ALTER TABLE `machine_types` DROP CONSTRAINT `machine_types_channel_capacity_chk`;
--> statement-breakpoint
ALTER TABLE `machine_types` MODIFY COLUMN `trays` int NOT NULL;
--> statement-breakpoint
ALTER TABLE `machine_types` MODIFY COLUMN `slots_per_tray` int NOT NULL;
--> statement-breakpoint
ALTER TABLE `machine_types` MODIFY COLUMN `default_capacity` int NOT NULL;
--> statement-breakpoint
ALTER TABLE `machine_types` DROP COLUMN `channel_count`;
--> statement-breakpoint
ALTER TABLE `machine_types` DROP COLUMN `channel_capacity`;
--> statement-breakpoint
ALTER TABLE `device_credentials` DROP COLUMN `public_key`;
