PRAGMA foreign_keys=OFF;
--> statement-breakpoint
CREATE TABLE `__new_lease_orders` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`order_no` text(32) NOT NULL,
	`kind` text(6) DEFAULT 'lease' NOT NULL,
	`months` integer NOT NULL,
	`machines` integer NOT NULL,
	`module_codes` text NOT NULL,
	`module_monthly_rent` integer NOT NULL,
	`machine_monthly_rent` integer NOT NULL,
	`discount_basis_points` integer DEFAULT 0 NOT NULL,
	`fee` integer NOT NULL,
	`trial` integer DEFAULT false NOT NULL,
	`status` text(9) DEFAULT 'pending' NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`paid_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "lease_orders_kind_chk" CHECK("kind" in ('lease', 'change')),
	CONSTRAINT "lease_orders_status_chk" CHECK("status" in ('pending', 'paid', 'cancelled'))
);

--> statement-breakpoint
INSERT INTO `__new_lease_orders`("id", "tenant_id", "order_no", "kind", "months", "machines", "module_codes", "module_monthly_rent", "machine_monthly_rent", "discount_basis_points", "fee", "trial", "status", "period_start", "period_end", "paid_at", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "order_no", 'lease', "months", "machines", "module_codes", "module_monthly_rent", "machine_monthly_rent", "discount_basis_points", "fee", "trial", "status", "period_start", "period_end", "paid_at", "created_at", "updated_at", "created_by", "updated_by" FROM `lease_orders`;
--> statement-breakpoint
DROP TABLE `lease_orders`;
--> statement-breakpoint
ALTER TABLE `__new_lease_orders` RENAME TO `lease_orders`;
--> statement-breakpoint
PRAGMA foreign_keys=ON;
--> statement-breakpoint
CREATE INDEX `lease_orders_tenant_id_created_at_idx` ON `lease_orders` (`tenant_id`,`created_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `lease_orders_order_no_uq` ON `lease_orders` (`order_no`);
--> statement-breakpoint
ALTER TABLE `alarms` ADD `assigned_to` text(36) REFERENCES users(id) ON DELETE set null;
--> statement-breakpoint
ALTER TABLE `alarms` ADD `assigned_at` integer;
--> statement-breakpoint
ALTER TABLE `alarms` ADD `repaired_by` text(36);
--> statement-breakpoint
ALTER TABLE `alarms` ADD `repaired_at` integer;
--> statement-breakpoint
ALTER TABLE `alarms` ADD `repair_note` text(500);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_assigned_to_resolved_at_idx` ON `alarms` (`tenant_id`,`assigned_to`,`resolved_at`);
