PRAGMA foreign_keys=OFF;
--> statement-breakpoint
CREATE TABLE `__new_machine_types` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`model` text(32) NOT NULL,
	`name` text(64) NOT NULL,
	`trays` integer NOT NULL,
	`slots_per_tray` integer NOT NULL,
	`default_capacity` integer NOT NULL,
	`refrigerated` integer DEFAULT false NOT NULL,
	`description` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "machine_types_trays_chk" CHECK("trays" > 0 and "trays" <= 99),
	CONSTRAINT "machine_types_slots_per_tray_chk" CHECK("slots_per_tray" > 0 and "slots_per_tray" <= 99),
	CONSTRAINT "machine_types_default_capacity_chk" CHECK("default_capacity" > 0)
);

--> statement-breakpoint
INSERT INTO `__new_machine_types`("id", "tenant_id", "model", "name", "trays", "slots_per_tray", "default_capacity", "refrigerated", "description", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "model", "name", "trays", "slots_per_tray", "default_capacity", "refrigerated", "description", "created_at", "updated_at", "created_by", "updated_by" FROM `machine_types`;
--> statement-breakpoint
DROP TABLE `machine_types`;
--> statement-breakpoint
ALTER TABLE `__new_machine_types` RENAME TO `machine_types`;
--> statement-breakpoint
PRAGMA foreign_keys=ON;
--> statement-breakpoint
CREATE INDEX `machine_types_tenant_id_idx` ON `machine_types` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `machine_types_tenant_id_model_uq` ON `machine_types` (`tenant_id`,`model`);
--> statement-breakpoint
ALTER TABLE `device_credentials` DROP COLUMN `public_key`;
