CREATE TABLE `device_events` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`seq` int NOT NULL,
	`type` varchar(11) NOT NULL,
	`payload` json NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `device_events_id` PRIMARY KEY(`id`),
	CONSTRAINT `device_events_machine_id_seq_uq` UNIQUE(`machine_id`,`seq`),
	CONSTRAINT `device_events_type_chk` CHECK(`type` in ('config', 'remote_vend', 'payment', 'command'))
);

--> statement-breakpoint
CREATE TABLE `sandbox_refunds` (
	`id` varchar(36) NOT NULL,
	`trade_id` varchar(36) NOT NULL,
	`refund_no` varchar(64) NOT NULL,
	`amount` bigint NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `sandbox_refunds_id` PRIMARY KEY(`id`),
	CONSTRAINT `sandbox_refunds_refund_no_uq` UNIQUE(`refund_no`),
	CONSTRAINT `sandbox_refunds_amount_chk` CHECK(`amount` > 0)
);

--> statement-breakpoint
CREATE TABLE `sandbox_trades` (
	`id` varchar(36) NOT NULL,
	`merchant_order_no` varchar(64) NOT NULL,
	`trade_no` varchar(32) NOT NULL,
	`amount` bigint NOT NULL,
	`subject` varchar(128) NOT NULL,
	`status` varchar(8) NOT NULL DEFAULT 'pending',
	`refunded` bigint NOT NULL DEFAULT 0,
	`notify_url` varchar(500) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	`paid_at` datetime(3),
	`notified_at` datetime(3),
	`notify_attempts` int NOT NULL DEFAULT 0,
	`next_notify_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `sandbox_trades_id` PRIMARY KEY(`id`),
	CONSTRAINT `sandbox_trades_merchant_order_no_uq` UNIQUE(`merchant_order_no`),
	CONSTRAINT `sandbox_trades_trade_no_uq` UNIQUE(`trade_no`),
	CONSTRAINT `sandbox_trades_status_chk` CHECK(`status` in ('pending', 'paid', 'declined', 'closed')),
	CONSTRAINT `sandbox_trades_amount_chk` CHECK(`amount` > 0),
	CONSTRAINT `sandbox_trades_refunded_chk` CHECK(`refunded` >= 0 and `refunded` <= `amount`)
);

--> statement-breakpoint
-- The foreign key on machine_id needs an index: the new one first, then the old unique one goes.
CREATE INDEX `orders_machine_id_vend_id_idx` ON `orders` (`machine_id`,`vend_id`);
--> statement-breakpoint
ALTER TABLE `orders` DROP INDEX `orders_machine_id_vend_id_uq`;
--> statement-breakpoint
ALTER TABLE `payment_accounts` DROP CONSTRAINT `payment_accounts_provider_chk`;
--> statement-breakpoint
ALTER TABLE `gift_code_rules` DROP CONSTRAINT `gift_code_rules_trigger_chk`;
--> statement-breakpoint
ALTER TABLE `orders` DROP CONSTRAINT `orders_provider_chk`;
--> statement-breakpoint
ALTER TABLE `orders` DROP CONSTRAINT `orders_status_chk`;
--> statement-breakpoint
ALTER TABLE `payments` DROP CONSTRAINT `payments_provider_chk`;
--> statement-breakpoint
ALTER TABLE `alarms` DROP CONSTRAINT `alarms_kind_chk`;
--> statement-breakpoint
ALTER TABLE `orders` MODIFY COLUMN `status` varchar(9) NOT NULL DEFAULT 'created';
--> statement-breakpoint
UPDATE `orders` SET `status` = CASE `status` WHEN 'vend_failed' THEN 'failed' WHEN 'refunding' THEN 'failed' WHEN 'cancelled' THEN 'expired' ELSE `status` END WHERE `status` in ('vend_failed', 'refunding', 'cancelled');
--> statement-breakpoint
UPDATE `orders` SET `provider` = 'sandbox' WHERE `provider` = 'mock';
--> statement-breakpoint
UPDATE `payments` SET `provider` = 'sandbox' WHERE `provider` = 'mock';
--> statement-breakpoint
UPDATE `payment_accounts` SET `provider` = 'sandbox' WHERE `provider` = 'mock';
--> statement-breakpoint
ALTER TABLE `machine_types` ADD `trays` int DEFAULT 1 NOT NULL AFTER `channel_capacity`;
--> statement-breakpoint
ALTER TABLE `machine_types` ADD `slots_per_tray` int DEFAULT 1 NOT NULL AFTER `trays`;
--> statement-breakpoint
ALTER TABLE `machine_types` ADD `default_capacity` int DEFAULT 1 NOT NULL AFTER `slots_per_tray`;
--> statement-breakpoint
UPDATE `machine_types` SET `trays` = 1, `slots_per_tray` = `channel_count`, `default_capacity` = `channel_capacity`;
--> statement-breakpoint
ALTER TABLE `machines` ADD `device_no` varchar(32);
--> statement-breakpoint
ALTER TABLE `machines` ADD `nameplate_no` varchar(32);
--> statement-breakpoint
ALTER TABLE `machines` ADD `config_version` int DEFAULT 1 NOT NULL;
--> statement-breakpoint
ALTER TABLE `machines` ADD `event_seq` int DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `gift_code_rules` ADD `channel_group_name` varchar(32) AFTER `threshold`;
--> statement-breakpoint
ALTER TABLE `gift_code_rules` ADD `counter` int DEFAULT 0 NOT NULL AFTER `channel_group_name`;
--> statement-breakpoint
ALTER TABLE `orders` ADD `sale_id` varchar(36) AFTER `vend_id`;
--> statement-breakpoint
ALTER TABLE `orders` ADD `price_mismatch` boolean DEFAULT false NOT NULL AFTER `sale_id`;
--> statement-breakpoint
ALTER TABLE `orders` ADD `list_price` bigint AFTER `price_mismatch`;
--> statement-breakpoint
ALTER TABLE `orders` ADD `after_settlement` boolean DEFAULT false NOT NULL AFTER `list_price`;
--> statement-breakpoint
ALTER TABLE `orders` ADD `time_corrected` boolean DEFAULT false NOT NULL AFTER `after_settlement`;
--> statement-breakpoint
ALTER TABLE `alarms` ADD `channel_number` int AFTER `kind`;
--> statement-breakpoint
ALTER TABLE `device_credentials` ADD `board_id` varchar(32) NOT NULL AFTER `public_key`;
--> statement-breakpoint
ALTER TABLE `device_credentials` ADD `signing_key` text NOT NULL AFTER `board_id`;
--> statement-breakpoint
ALTER TABLE `device_credentials` ADD `sealing_key` text NOT NULL AFTER `signing_key`;
--> statement-breakpoint
ALTER TABLE `device_credentials` ADD `revoked_by` varchar(36) AFTER `revoked_at`;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `vmc_link_up` boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `uptime_seconds` int;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD `outbox_depth` int DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_tenant_id_device_no_uq` UNIQUE(`tenant_id`,`device_no`);
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_nameplate_no_uq` UNIQUE(`nameplate_no`);
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_machine_id_sale_id_uq` UNIQUE(`machine_id`,`sale_id`);
--> statement-breakpoint
ALTER TABLE `device_events` ADD CONSTRAINT `device_events_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `device_events` ADD CONSTRAINT `device_events_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `sandbox_refunds` ADD CONSTRAINT `sandbox_refunds_trade_id_sandbox_trades_id_fk` FOREIGN KEY (`trade_id`) REFERENCES `sandbox_trades`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX `device_events_created_at_idx` ON `device_events` (`created_at`);
--> statement-breakpoint
CREATE INDEX `sandbox_refunds_trade_id_idx` ON `sandbox_refunds` (`trade_id`);
--> statement-breakpoint
CREATE INDEX `sandbox_trades_next_notify_at_idx` ON `sandbox_trades` (`next_notify_at`);
--> statement-breakpoint
ALTER TABLE `payment_accounts` ADD CONSTRAINT `payment_accounts_provider_chk` CHECK (`provider` in ('wechat_pay', 'alipay', 'unionpay', 'sandbox'));
--> statement-breakpoint
ALTER TABLE `machine_types` ADD CONSTRAINT `machine_types_trays_chk` CHECK (`trays` > 0 and `trays` <= 99);
--> statement-breakpoint
ALTER TABLE `machine_types` ADD CONSTRAINT `machine_types_slots_per_tray_chk` CHECK (`slots_per_tray` > 0 and `slots_per_tray` <= 99);
--> statement-breakpoint
ALTER TABLE `machine_types` ADD CONSTRAINT `machine_types_default_capacity_chk` CHECK (`default_capacity` > 0);
--> statement-breakpoint
ALTER TABLE `gift_code_rules` ADD CONSTRAINT `gift_code_rules_trigger_chk` CHECK (`trigger` in ('manual', 'order_amount_at_least', 'every_nth_order', 'channel_group'));
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_provider_chk` CHECK (`provider` in ('wechat_pay', 'alipay', 'unionpay', 'sandbox'));
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_status_chk` CHECK (`status` in ('created', 'paid', 'vending', 'completed', 'failed', 'refunded', 'expired'));
--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `payments_provider_chk` CHECK (`provider` in ('wechat_pay', 'alipay', 'unionpay', 'sandbox'));
--> statement-breakpoint
ALTER TABLE `alarms` ADD CONSTRAINT `alarms_kind_chk` CHECK (`kind` in ('offline', 'door_open', 'temperature', 'motor_fault', 'jam', 'channel_empty', 'bill_stacker_full', 'coin_tube_low', 'payment_device', 'vmc_fault', 'vmc_link'));

--> statement-breakpoint
CREATE INDEX `alarms_machine_id_resolved_at_idx` ON `alarms` (`machine_id`,`resolved_at`);
