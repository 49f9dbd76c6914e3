CREATE TABLE `device_events` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`seq` integer NOT NULL,
	`type` text(11) NOT NULL,
	`payload` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "device_events_type_chk" CHECK("type" in ('config', 'remote_vend', 'payment', 'command'))
);

--> statement-breakpoint
CREATE INDEX `device_events_created_at_idx` ON `device_events` (`created_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_events_machine_id_seq_uq` ON `device_events` (`machine_id`,`seq`);
--> statement-breakpoint
CREATE TABLE `sandbox_refunds` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`trade_id` text(36) NOT NULL,
	`refund_no` text(64) NOT NULL,
	`amount` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`trade_id`) REFERENCES `sandbox_trades`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sandbox_refunds_amount_chk" CHECK("amount" > 0)
);

--> statement-breakpoint
CREATE INDEX `sandbox_refunds_trade_id_idx` ON `sandbox_refunds` (`trade_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_refunds_refund_no_uq` ON `sandbox_refunds` (`refund_no`);
--> statement-breakpoint
CREATE TABLE `sandbox_trades` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`merchant_order_no` text(64) NOT NULL,
	`trade_no` text(32) NOT NULL,
	`amount` integer NOT NULL,
	`subject` text(128) NOT NULL,
	`status` text(8) DEFAULT 'pending' NOT NULL,
	`refunded` integer DEFAULT 0 NOT NULL,
	`notify_url` text(500) NOT NULL,
	`expires_at` integer NOT NULL,
	`paid_at` integer,
	`notified_at` integer,
	`notify_attempts` integer DEFAULT 0 NOT NULL,
	`next_notify_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "sandbox_trades_status_chk" CHECK("status" in ('pending', 'paid', 'declined', 'closed')),
	CONSTRAINT "sandbox_trades_amount_chk" CHECK("amount" > 0),
	CONSTRAINT "sandbox_trades_refunded_chk" CHECK("refunded" >= 0 and "refunded" <= "amount")
);

--> statement-breakpoint
CREATE INDEX `sandbox_trades_next_notify_at_idx` ON `sandbox_trades` (`next_notify_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_trades_merchant_order_no_uq` ON `sandbox_trades` (`merchant_order_no`);
--> statement-breakpoint
CREATE UNIQUE INDEX `sandbox_trades_trade_no_uq` ON `sandbox_trades` (`trade_no`);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;
--> statement-breakpoint
CREATE TABLE `__new_payment_accounts` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`provider` text(10) NOT NULL,
	`name` text(64) NOT NULL,
	`merchant_id` text(64) NOT NULL,
	`app_id` text(64) NOT NULL,
	`secrets` text NOT NULL,
	`secret_hint` text(8),
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "payment_accounts_provider_chk" CHECK("provider" in ('wechat_pay', 'alipay', 'unionpay', 'sandbox'))
);

--> statement-breakpoint
INSERT INTO `__new_payment_accounts`("id", "tenant_id", "provider", "name", "merchant_id", "app_id", "secrets", "secret_hint", "enabled", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", CASE "provider" WHEN 'mock' THEN 'sandbox' ELSE "provider" END, "name", "merchant_id", "app_id", "secrets", "secret_hint", "enabled", "created_at", "updated_at", "created_by", "updated_by" FROM `payment_accounts`;
--> statement-breakpoint
DROP TABLE `payment_accounts`;
--> statement-breakpoint
ALTER TABLE `__new_payment_accounts` RENAME TO `payment_accounts`;
--> statement-breakpoint
PRAGMA foreign_keys=ON;
--> statement-breakpoint
CREATE INDEX `payment_accounts_tenant_id_idx` ON `payment_accounts` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_accounts_tenant_id_provider_merchant_id_uq` ON `payment_accounts` (`tenant_id`,`provider`,`merchant_id`);
--> statement-breakpoint
CREATE TABLE `__new_gift_code_rules` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`name` text(64) NOT NULL,
	`trigger` text(21) NOT NULL,
	`threshold` integer DEFAULT 0 NOT NULL,
	`channel_group_name` text(32),
	`counter` integer DEFAULT 0 NOT NULL,
	`value` integer NOT NULL,
	`valid_days` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "gift_code_rules_trigger_chk" CHECK("trigger" in ('manual', 'order_amount_at_least', 'every_nth_order', 'channel_group')),
	CONSTRAINT "gift_code_rules_value_chk" CHECK("value" > 0),
	CONSTRAINT "gift_code_rules_valid_days_chk" CHECK("valid_days" > 0)
);

--> statement-breakpoint
INSERT INTO `__new_gift_code_rules`("id", "tenant_id", "name", "trigger", "threshold", "channel_group_name", "counter", "value", "valid_days", "enabled", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "name", "trigger", "threshold", NULL, 0, "value", "valid_days", "enabled", "created_at", "updated_at", "created_by", "updated_by" FROM `gift_code_rules`;
--> statement-breakpoint
DROP TABLE `gift_code_rules`;
--> statement-breakpoint
ALTER TABLE `__new_gift_code_rules` RENAME TO `gift_code_rules`;
--> statement-breakpoint
CREATE INDEX `gift_code_rules_tenant_id_idx` ON `gift_code_rules` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `gift_code_rules_tenant_id_name_uq` ON `gift_code_rules` (`tenant_id`,`name`);
--> statement-breakpoint
CREATE TABLE `__new_orders` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`order_no` text(32) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`channel_id` text(36),
	`channel_number` integer NOT NULL,
	`product_id` text(36) NOT NULL,
	`price` integer NOT NULL,
	`quantity` integer DEFAULT 1 NOT NULL,
	`amount` integer NOT NULL,
	`cost` integer DEFAULT 0 NOT NULL,
	`payment_method` text(9) NOT NULL,
	`provider` text(10),
	`provider_trade_no` text(64),
	`vend_id` integer,
	`sale_id` text(36),
	`price_mismatch` integer DEFAULT false NOT NULL,
	`list_price` integer,
	`after_settlement` integer DEFAULT false NOT NULL,
	`time_corrected` integer DEFAULT false NOT NULL,
	`status` text(9) DEFAULT 'created' NOT NULL,
	`paid_at` integer,
	`vended_at` integer,
	`completed_at` integer,
	`refunded_at` integer,
	`offline` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "orders_payment_method_chk" CHECK("payment_method" in ('qr', 'cash', 'card', 'gift_code', 'free')),
	CONSTRAINT "orders_provider_chk" CHECK("provider" in ('wechat_pay', 'alipay', 'unionpay', 'sandbox')),
	CONSTRAINT "orders_status_chk" CHECK("status" in ('created', 'paid', 'vending', 'completed', 'failed', 'refunded', 'expired')),
	CONSTRAINT "orders_price_chk" CHECK("price" >= 0),
	CONSTRAINT "orders_quantity_chk" CHECK("quantity" > 0),
	CONSTRAINT "orders_amount_chk" CHECK("amount" >= 0),
	CONSTRAINT "orders_cost_chk" CHECK("cost" >= 0)
);

--> statement-breakpoint
INSERT INTO `__new_orders`("id", "tenant_id", "order_no", "machine_id", "channel_id", "channel_number", "product_id", "price", "quantity", "amount", "cost", "payment_method", "provider", "provider_trade_no", "vend_id", "sale_id", "price_mismatch", "list_price", "after_settlement", "time_corrected", "status", "paid_at", "vended_at", "completed_at", "refunded_at", "offline", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "order_no", "machine_id", "channel_id", "channel_number", "product_id", "price", "quantity", "amount", "cost", "payment_method", CASE "provider" WHEN 'mock' THEN 'sandbox' ELSE "provider" END, "provider_trade_no", "vend_id", NULL, 0, NULL, 0, 0, CASE "status" WHEN 'vend_failed' THEN 'failed' WHEN 'refunding' THEN 'failed' WHEN 'cancelled' THEN 'expired' ELSE "status" END, "paid_at", "vended_at", "completed_at", "refunded_at", "offline", "created_at", "updated_at", "created_by", "updated_by" FROM `orders`;
--> statement-breakpoint
DROP TABLE `orders`;
--> statement-breakpoint
ALTER TABLE `__new_orders` RENAME TO `orders`;
--> statement-breakpoint
CREATE INDEX `orders_machine_id_vend_id_idx` ON `orders` (`machine_id`,`vend_id`);
--> statement-breakpoint
CREATE INDEX `orders_tenant_id_created_at_id_idx` ON `orders` (`tenant_id`,`created_at`,`id`);
--> statement-breakpoint
CREATE INDEX `orders_tenant_id_machine_id_created_at_id_idx` ON `orders` (`tenant_id`,`machine_id`,`created_at`,`id`);
--> statement-breakpoint
CREATE INDEX `orders_tenant_id_product_id_created_at_idx` ON `orders` (`tenant_id`,`product_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `orders_tenant_id_status_created_at_idx` ON `orders` (`tenant_id`,`status`,`created_at`);
--> statement-breakpoint
CREATE INDEX `orders_tenant_id_payment_method_created_at_idx` ON `orders` (`tenant_id`,`payment_method`,`created_at`);
--> statement-breakpoint
CREATE INDEX `orders_provider_trade_no_idx` ON `orders` (`provider_trade_no`);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_tenant_id_order_no_uq` ON `orders` (`tenant_id`,`order_no`);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_machine_id_sale_id_uq` ON `orders` (`machine_id`,`sale_id`);
--> statement-breakpoint
CREATE TABLE `__new_payments` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`order_id` text(36) NOT NULL,
	`provider` text(10) NOT NULL,
	`account_id` text(36),
	`amount` integer NOT NULL,
	`provider_trade_no` text(64),
	`qr_content` text(500),
	`status` text(9) DEFAULT 'pending' NOT NULL,
	`expires_at` integer,
	`paid_at` integer,
	`notification` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`account_id`) REFERENCES `payment_accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "payments_provider_chk" CHECK("provider" in ('wechat_pay', 'alipay', 'unionpay', 'sandbox')),
	CONSTRAINT "payments_status_chk" CHECK("status" in ('pending', 'succeeded', 'failed', 'closed')),
	CONSTRAINT "payments_amount_chk" CHECK("amount" >= 0)
);

--> statement-breakpoint
INSERT INTO `__new_payments`("id", "tenant_id", "order_id", "provider", "account_id", "amount", "provider_trade_no", "qr_content", "status", "expires_at", "paid_at", "notification", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "order_id", CASE "provider" WHEN 'mock' THEN 'sandbox' ELSE "provider" END, "account_id", "amount", "provider_trade_no", "qr_content", "status", "expires_at", "paid_at", "notification", "created_at", "updated_at", "created_by", "updated_by" FROM `payments`;
--> statement-breakpoint
DROP TABLE `payments`;
--> statement-breakpoint
ALTER TABLE `__new_payments` RENAME TO `payments`;
--> statement-breakpoint
CREATE INDEX `payments_tenant_id_order_id_idx` ON `payments` (`tenant_id`,`order_id`);
--> statement-breakpoint
CREATE INDEX `payments_tenant_id_status_expires_at_idx` ON `payments` (`tenant_id`,`status`,`expires_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_provider_provider_trade_no_uq` ON `payments` (`provider`,`provider_trade_no`);
--> statement-breakpoint
CREATE TABLE `__new_alarms` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`kind` text(17) NOT NULL,
	`channel_number` integer,
	`severity` text(8) NOT NULL,
	`message` text(255) NOT NULL,
	`raised_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text(36),
	`resolved_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "alarms_kind_chk" CHECK("kind" in ('offline', 'door_open', 'temperature', 'motor_fault', 'jam', 'channel_empty', 'bill_stacker_full', 'coin_tube_low', 'payment_device', 'vmc_fault', 'vmc_link')),
	CONSTRAINT "alarms_severity_chk" CHECK("severity" in ('info', 'warning', 'critical'))
);

--> statement-breakpoint
INSERT INTO `__new_alarms`("id", "tenant_id", "machine_id", "kind", "channel_number", "severity", "message", "raised_at", "acknowledged_at", "acknowledged_by", "resolved_at", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "machine_id", "kind", NULL, "severity", "message", "raised_at", "acknowledged_at", "acknowledged_by", "resolved_at", "created_at", "updated_at", "created_by", "updated_by" FROM `alarms`;
--> statement-breakpoint
DROP TABLE `alarms`;
--> statement-breakpoint
ALTER TABLE `__new_alarms` RENAME TO `alarms`;
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_raised_at_idx` ON `alarms` (`tenant_id`,`raised_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_machine_id_raised_at_idx` ON `alarms` (`tenant_id`,`machine_id`,`raised_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_acknowledged_at_idx` ON `alarms` (`tenant_id`,`acknowledged_at`);
--> statement-breakpoint
CREATE INDEX `alarms_machine_id_resolved_at_idx` ON `alarms` (`machine_id`,`resolved_at`);
--> statement-breakpoint
CREATE TABLE `__new_machine_types` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`model` text(32) NOT NULL,
	`name` text(64) NOT NULL,
	`channel_count` integer NOT NULL,
	`channel_capacity` integer NOT NULL,
	`trays` integer DEFAULT 1 NOT NULL,
	`slots_per_tray` integer DEFAULT 1 NOT NULL,
	`default_capacity` integer DEFAULT 1 NOT NULL,
	`refrigerated` integer DEFAULT false NOT NULL,
	`description` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "machine_types_channel_count_chk" CHECK("channel_count" > 0),
	CONSTRAINT "machine_types_channel_capacity_chk" CHECK("channel_capacity" > 0),
	CONSTRAINT "machine_types_trays_chk" CHECK("trays" > 0 and "trays" <= 99),
	CONSTRAINT "machine_types_slots_per_tray_chk" CHECK("slots_per_tray" > 0 and "slots_per_tray" <= 99),
	CONSTRAINT "machine_types_default_capacity_chk" CHECK("default_capacity" > 0)
);

--> statement-breakpoint
INSERT INTO `__new_machine_types`("id", "tenant_id", "model", "name", "channel_count", "channel_capacity", "trays", "slots_per_tray", "default_capacity", "refrigerated", "description", "created_at", "updated_at", "created_by", "updated_by") SELECT "id", "tenant_id", "model", "name", "channel_count", "channel_capacity", 1, "channel_count", "channel_capacity", "refrigerated", "description", "created_at", "updated_at", "created_by", "updated_by" FROM `machine_types`;
--> statement-breakpoint
DROP TABLE `machine_types`;
--> statement-breakpoint
ALTER TABLE `__new_machine_types` RENAME TO `machine_types`;
--> statement-breakpoint
CREATE INDEX `machine_types_tenant_id_idx` ON `machine_types` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `machine_types_tenant_id_model_uq` ON `machine_types` (`tenant_id`,`model`);
--> statement-breakpoint
ALTER TABLE `machines` ADD `device_no` text(32);
--> statement-breakpoint
ALTER TABLE `machines` ADD `nameplate_no` text(32);
--> statement-breakpoint
ALTER TABLE `machines` ADD `config_version` integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
ALTER TABLE `machines` ADD `event_seq` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX `machines_tenant_id_device_no_uq` ON `machines` (`tenant_id`,`device_no`);
--> statement-breakpoint
CREATE UNIQUE INDEX `machines_nameplate_no_uq` ON `machines` (`nameplate_no`);
--> statement-breakpoint
DROP TABLE `device_credentials`;
--> statement-breakpoint
CREATE TABLE `device_credentials` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`public_key` text NOT NULL,
	`board_id` text(32) NOT NULL,
	`signing_key` text NOT NULL,
	`sealing_key` text NOT NULL,
	`key_id` text(64) NOT NULL,
	`activated_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_by` text(36),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `device_credentials_tenant_id_machine_id_idx` ON `device_credentials` (`tenant_id`,`machine_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_credentials_key_id_uq` ON `device_credentials` (`key_id`);
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `vmc_link_up` integer DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `uptime_seconds` integer;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `outbox_depth` integer DEFAULT 0 NOT NULL;
