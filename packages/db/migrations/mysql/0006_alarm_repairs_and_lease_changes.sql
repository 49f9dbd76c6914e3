ALTER TABLE `lease_orders` ADD `kind` varchar(6) DEFAULT 'lease' NOT NULL AFTER `order_no`;
--> statement-breakpoint
ALTER TABLE `alarms` ADD `assigned_to` varchar(36);
--> statement-breakpoint
ALTER TABLE `alarms` ADD `assigned_at` datetime(3);
--> statement-breakpoint
ALTER TABLE `alarms` ADD `repaired_by` varchar(36);
--> statement-breakpoint
ALTER TABLE `alarms` ADD `repaired_at` datetime(3);
--> statement-breakpoint
ALTER TABLE `alarms` ADD `repair_note` varchar(500);
--> statement-breakpoint
ALTER TABLE `lease_orders` ADD CONSTRAINT `lease_orders_kind_chk` CHECK (`kind` in ('lease', 'change'));
--> statement-breakpoint
ALTER TABLE `alarms` ADD CONSTRAINT `alarms_assigned_to_users_id_fk` FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_assigned_to_resolved_at_idx` ON `alarms` (`tenant_id`,`assigned_to`,`resolved_at`);
