CREATE TABLE `tenants` (
	`id` varchar(36) NOT NULL,
	`kind` varchar(12) NOT NULL,
	`code` varchar(6) NOT NULL,
	`name` varchar(25) NOT NULL,
	`status` varchar(9) NOT NULL DEFAULT 'active',
	`contact_name` varchar(64),
	`contact_phone` text,
	`lease_starts_at` datetime(3),
	`lease_ends_at` datetime(3),
	`machine_quota` int NOT NULL DEFAULT 0,
	`trial_used` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `tenants_id` PRIMARY KEY(`id`),
	CONSTRAINT `tenants_code_uq` UNIQUE(`code`),
	CONSTRAINT `tenants_name_uq` UNIQUE(`name`),
	CONSTRAINT `tenants_kind_chk` CHECK(`kind` in ('manufacturer', 'operator')),
	CONSTRAINT `tenants_status_chk` CHECK(`status` in ('active', 'suspended'))
);

--> statement-breakpoint
CREATE TABLE `modules` (
	`id` varchar(36) NOT NULL,
	`code` varchar(32) NOT NULL,
	`name` varchar(64) NOT NULL,
	`description` varchar(255),
	`monthly_rent` bigint NOT NULL,
	`sort_order` int NOT NULL DEFAULT 0,
	`enabled` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `modules_id` PRIMARY KEY(`id`),
	CONSTRAINT `modules_code_uq` UNIQUE(`code`)
);

--> statement-breakpoint
CREATE TABLE `tenant_modules` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`module_id` varchar(36) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `tenant_modules_id` PRIMARY KEY(`id`),
	CONSTRAINT `tenant_modules_tenant_id_module_id_uq` UNIQUE(`tenant_id`,`module_id`)
);

--> statement-breakpoint
CREATE TABLE `pricing_rules` (
	`id` varchar(36) NOT NULL,
	`machine_monthly_rent` bigint NOT NULL,
	`effective_from` datetime(3) NOT NULL,
	`note` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `pricing_rules_id` PRIMARY KEY(`id`)
);

--> statement-breakpoint
CREATE TABLE `discount_tiers` (
	`id` varchar(36) NOT NULL,
	`min_machines` int NOT NULL,
	`discount_basis_points` int NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `discount_tiers_id` PRIMARY KEY(`id`),
	CONSTRAINT `discount_tiers_min_machines_uq` UNIQUE(`min_machines`)
);

--> statement-breakpoint
CREATE TABLE `lease_orders` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`order_no` varchar(32) NOT NULL,
	`months` int NOT NULL,
	`machines` int NOT NULL,
	`module_codes` json NOT NULL,
	`module_monthly_rent` bigint NOT NULL,
	`machine_monthly_rent` bigint NOT NULL,
	`discount_basis_points` int NOT NULL DEFAULT 0,
	`fee` bigint NOT NULL,
	`trial` boolean NOT NULL DEFAULT false,
	`status` varchar(9) NOT NULL DEFAULT 'pending',
	`period_start` datetime(3) NOT NULL,
	`period_end` datetime(3) NOT NULL,
	`paid_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `lease_orders_id` PRIMARY KEY(`id`),
	CONSTRAINT `lease_orders_order_no_uq` UNIQUE(`order_no`),
	CONSTRAINT `lease_orders_status_chk` CHECK(`status` in ('pending', 'paid', 'cancelled'))
);

--> statement-breakpoint
CREATE TABLE `permissions` (
	`id` varchar(36) NOT NULL,
	`code` varchar(5) NOT NULL,
	`name` varchar(64) NOT NULL,
	`kind` varchar(12) NOT NULL,
	`module_code` varchar(32),
	`description` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `permissions_id` PRIMARY KEY(`id`),
	CONSTRAINT `permissions_code_uq` UNIQUE(`code`),
	CONSTRAINT `permissions_kind_chk` CHECK(`kind` in ('manufacturer', 'operator'))
);

--> statement-breakpoint
CREATE TABLE `roles` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`name` varchar(32) NOT NULL,
	`key` varchar(32),
	`kind` varchar(12) NOT NULL,
	`template` boolean NOT NULL DEFAULT false,
	`description` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `roles_id` PRIMARY KEY(`id`),
	CONSTRAINT `roles_tenant_id_name_uq` UNIQUE(`tenant_id`,`name`),
	CONSTRAINT `roles_kind_chk` CHECK(`kind` in ('manufacturer', 'operator'))
);

--> statement-breakpoint
CREATE TABLE `role_permissions` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`role_id` varchar(36) NOT NULL,
	`permission_id` varchar(36) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `role_permissions_id` PRIMARY KEY(`id`),
	CONSTRAINT `role_permissions_role_id_permission_id_uq` UNIQUE(`role_id`,`permission_id`)
);

--> statement-breakpoint
CREATE TABLE `groups` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`name` varchar(32) NOT NULL,
	`type` varchar(7) NOT NULL,
	`description` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `groups_id` PRIMARY KEY(`id`),
	CONSTRAINT `groups_tenant_id_type_name_uq` UNIQUE(`tenant_id`,`type`,`name`),
	CONSTRAINT `groups_type_chk` CHECK(`type` in ('staff', 'machine'))
);

--> statement-breakpoint
CREATE TABLE `users` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`username` varchar(32) NOT NULL,
	`display_name` varchar(64) NOT NULL,
	`password_hash` varchar(255) NOT NULL,
	`phone` text,
	`email` text,
	`group_id` varchar(36),
	`group_admin` boolean NOT NULL DEFAULT false,
	`status` varchar(8) NOT NULL DEFAULT 'active',
	`must_change_password` boolean NOT NULL DEFAULT false,
	`last_login_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_tenant_id_username_uq` UNIQUE(`tenant_id`,`username`),
	CONSTRAINT `users_status_chk` CHECK(`status` in ('active', 'disabled'))
);

--> statement-breakpoint
CREATE TABLE `user_roles` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`user_id` varchar(36) NOT NULL,
	`role_id` varchar(36) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `user_roles_id` PRIMARY KEY(`id`),
	CONSTRAINT `user_roles_user_id_role_id_uq` UNIQUE(`user_id`,`role_id`)
);

--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`user_id` varchar(36) NOT NULL,
	`token_hash` varchar(64) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	`last_seen_at` datetime(3) NOT NULL,
	`ip` varchar(45),
	`user_agent` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `sessions_id` PRIMARY KEY(`id`),
	CONSTRAINT `sessions_token_hash_uq` UNIQUE(`token_hash`)
);

--> statement-breakpoint
CREATE TABLE `login_throttles` (
	`id` varchar(36) NOT NULL,
	`key` varchar(64) NOT NULL,
	`failures` int NOT NULL DEFAULT 0,
	`last_failure_at` datetime(3) NOT NULL,
	`locked_until` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `login_throttles_id` PRIMARY KEY(`id`),
	CONSTRAINT `login_throttles_key_uq` UNIQUE(`key`),
	CONSTRAINT `login_throttles_failures_chk` CHECK(`failures` >= 0)
);

--> statement-breakpoint
CREATE TABLE `data_keys` (
	`id` varchar(36) NOT NULL,
	`master_key_id` varchar(16) NOT NULL,
	`wrapped_key` text NOT NULL,
	`status` varchar(7) NOT NULL DEFAULT 'active',
	`retired_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `data_keys_id` PRIMARY KEY(`id`),
	CONSTRAINT `data_keys_status_chk` CHECK(`status` in ('active', 'retired'))
);

--> statement-breakpoint
CREATE TABLE `payment_accounts` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`provider` varchar(10) NOT NULL,
	`name` varchar(64) NOT NULL,
	`merchant_id` varchar(64) NOT NULL,
	`app_id` varchar(64) NOT NULL,
	`secrets` text NOT NULL,
	`secret_hint` varchar(8),
	`enabled` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `payment_accounts_id` PRIMARY KEY(`id`),
	CONSTRAINT `payment_accounts_tenant_id_provider_merchant_id_uq` UNIQUE(`tenant_id`,`provider`,`merchant_id`),
	CONSTRAINT `payment_accounts_provider_chk` CHECK(`provider` in ('wechat_pay', 'alipay', 'unionpay', 'mock'))
);

--> statement-breakpoint
CREATE TABLE `custom_field_definitions` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`entity` varchar(7) NOT NULL,
	`key` varchar(32) NOT NULL,
	`label` varchar(64) NOT NULL,
	`type` varchar(7) NOT NULL,
	`options` json,
	`required` boolean NOT NULL DEFAULT false,
	`sort_order` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `custom_field_definitions_id` PRIMARY KEY(`id`),
	CONSTRAINT `custom_field_definitions_tenant_id_entity_key_uq` UNIQUE(`tenant_id`,`entity`,`key`),
	CONSTRAINT `custom_field_definitions_entity_chk` CHECK(`entity` in ('machine', 'product', 'user')),
	CONSTRAINT `custom_field_definitions_type_chk` CHECK(`type` in ('text', 'number', 'boolean', 'date', 'select'))
);

--> statement-breakpoint
CREATE TABLE `custom_field_values` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`definition_id` varchar(36) NOT NULL,
	`entity_id` varchar(36) NOT NULL,
	`value` text NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `custom_field_values_id` PRIMARY KEY(`id`),
	CONSTRAINT `custom_field_values_definition_id_entity_id_uq` UNIQUE(`definition_id`,`entity_id`)
);

--> statement-breakpoint
CREATE TABLE `machine_types` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`model` varchar(32) NOT NULL,
	`name` varchar(64) NOT NULL,
	`channel_count` int NOT NULL,
	`channel_capacity` int NOT NULL,
	`refrigerated` boolean NOT NULL DEFAULT false,
	`description` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `machine_types_id` PRIMARY KEY(`id`),
	CONSTRAINT `machine_types_tenant_id_model_uq` UNIQUE(`tenant_id`,`model`),
	CONSTRAINT `machine_types_channel_count_chk` CHECK(`channel_count` > 0),
	CONSTRAINT `machine_types_channel_capacity_chk` CHECK(`channel_capacity` > 0)
);

--> statement-breakpoint
CREATE TABLE `machines` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`board_id` varchar(32) NOT NULL,
	`type_id` varchar(36) NOT NULL,
	`manufacturer_id` varchar(36) NOT NULL,
	`price` bigint NOT NULL DEFAULT 0,
	`name` varchar(64),
	`address` varchar(255),
	`latitude_e6` int,
	`longitude_e6` int,
	`group_id` varchar(36),
	`staff_id` varchar(36),
	`status` varchar(8) NOT NULL DEFAULT 'in_stock',
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `machines_id` PRIMARY KEY(`id`),
	CONSTRAINT `machines_board_id_uq` UNIQUE(`board_id`),
	CONSTRAINT `machines_status_chk` CHECK(`status` in ('in_stock', 'active', 'disabled', 'retired')),
	CONSTRAINT `machines_price_chk` CHECK(`price` >= 0)
);

--> statement-breakpoint
CREATE TABLE `machine_sales` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`operator_id` varchar(36) NOT NULL,
	`price` bigint NOT NULL,
	`sold_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `machine_sales_id` PRIMARY KEY(`id`),
	CONSTRAINT `machine_sales_price_chk` CHECK(`price` >= 0)
);

--> statement-breakpoint
CREATE TABLE `app_releases` (
	`id` varchar(36) NOT NULL,
	`version` varchar(32) NOT NULL,
	`channel` varchar(6) NOT NULL DEFAULT 'stable',
	`url` varchar(500) NOT NULL,
	`sha256` varchar(64) NOT NULL,
	`signature` text NOT NULL,
	`notes` text,
	`published_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `app_releases_id` PRIMARY KEY(`id`),
	CONSTRAINT `app_releases_version_uq` UNIQUE(`version`),
	CONSTRAINT `app_releases_channel_chk` CHECK(`channel` in ('stable', 'beta'))
);

--> statement-breakpoint
CREATE TABLE `products` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`code` varchar(32) NOT NULL,
	`name` varchar(64) NOT NULL,
	`spec` varchar(64),
	`unit` varchar(16) NOT NULL DEFAULT 'pcs',
	`cost` bigint NOT NULL DEFAULT 0,
	`price` bigint NOT NULL,
	`image_url` varchar(500),
	`description` text,
	`status` varchar(12) NOT NULL DEFAULT 'active',
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `products_id` PRIMARY KEY(`id`),
	CONSTRAINT `products_tenant_id_code_uq` UNIQUE(`tenant_id`,`code`),
	CONSTRAINT `products_status_chk` CHECK(`status` in ('active', 'discontinued')),
	CONSTRAINT `products_cost_chk` CHECK(`cost` >= 0),
	CONSTRAINT `products_price_chk` CHECK(`price` >= 0)
);

--> statement-breakpoint
CREATE TABLE `channel_groups` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`name` varchar(32) NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`price` bigint NOT NULL,
	`discount` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `channel_groups_id` PRIMARY KEY(`id`),
	CONSTRAINT `channel_groups_machine_id_name_uq` UNIQUE(`machine_id`,`name`),
	CONSTRAINT `channel_groups_price_chk` CHECK(`price` >= 0)
);

--> statement-breakpoint
CREATE TABLE `channels` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`number` int NOT NULL,
	`capacity` int NOT NULL,
	`stock` int NOT NULL DEFAULT 0,
	`product_id` varchar(36),
	`price` bigint,
	`channel_group_id` varchar(36),
	`enabled` boolean NOT NULL DEFAULT true,
	`disabled_reason` varchar(200),
	`special_price` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `channels_id` PRIMARY KEY(`id`),
	CONSTRAINT `channels_machine_id_number_uq` UNIQUE(`machine_id`,`number`),
	CONSTRAINT `channels_number_chk` CHECK(`number` > 0),
	CONSTRAINT `channels_stock_chk` CHECK(`stock` >= 0 and `stock` <= `capacity`),
	CONSTRAINT `channels_price_chk` CHECK(`price` is null or `price` >= 0)
);

--> statement-breakpoint
CREATE TABLE `warehouse_stock` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`quantity` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `warehouse_stock_id` PRIMARY KEY(`id`),
	CONSTRAINT `warehouse_stock_tenant_id_product_id_uq` UNIQUE(`tenant_id`,`product_id`),
	CONSTRAINT `warehouse_stock_quantity_chk` CHECK(`quantity` >= 0)
);

--> statement-breakpoint
CREATE TABLE `staff_inventory` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`staff_id` varchar(36) NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`quantity` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `staff_inventory_id` PRIMARY KEY(`id`),
	CONSTRAINT `staff_inventory_staff_id_product_id_uq` UNIQUE(`staff_id`,`product_id`),
	CONSTRAINT `staff_inventory_quantity_chk` CHECK(`quantity` >= 0)
);

--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`document_no` varchar(32) NOT NULL,
	`staff_id` varchar(36) NOT NULL,
	`status` varchar(9) NOT NULL DEFAULT 'requested',
	`note` varchar(255),
	`approved_by` varchar(36),
	`approved_at` datetime(3),
	`shipped_at` datetime(3),
	`settled` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `shipments_id` PRIMARY KEY(`id`),
	CONSTRAINT `shipments_tenant_id_document_no_uq` UNIQUE(`tenant_id`,`document_no`),
	CONSTRAINT `shipments_status_chk` CHECK(`status` in ('requested', 'approved', 'rejected', 'shipped', 'cancelled'))
);

--> statement-breakpoint
CREATE TABLE `shipment_items` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`shipment_id` varchar(36) NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`quantity_requested` int NOT NULL,
	`quantity_shipped` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `shipment_items_id` PRIMARY KEY(`id`),
	CONSTRAINT `shipment_items_shipment_id_product_id_uq` UNIQUE(`shipment_id`,`product_id`),
	CONSTRAINT `shipment_items_quantity_requested_chk` CHECK(`quantity_requested` > 0),
	CONSTRAINT `shipment_items_quantity_shipped_chk` CHECK(`quantity_shipped` >= 0)
);

--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`document_no` varchar(32) NOT NULL,
	`from_staff_id` varchar(36) NOT NULL,
	`to_staff_id` varchar(36),
	`status` varchar(9) NOT NULL DEFAULT 'completed',
	`note` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `transfers_id` PRIMARY KEY(`id`),
	CONSTRAINT `transfers_tenant_id_document_no_uq` UNIQUE(`tenant_id`,`document_no`),
	CONSTRAINT `transfers_status_chk` CHECK(`status` in ('completed', 'cancelled'))
);

--> statement-breakpoint
CREATE TABLE `transfer_items` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`transfer_id` varchar(36) NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`quantity` int NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `transfer_items_id` PRIMARY KEY(`id`),
	CONSTRAINT `transfer_items_transfer_id_product_id_uq` UNIQUE(`transfer_id`,`product_id`),
	CONSTRAINT `transfer_items_quantity_chk` CHECK(`quantity` > 0)
);

--> statement-breakpoint
CREATE TABLE `restocks` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`staff_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`channel_id` varchar(36) NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`quantity` int NOT NULL,
	`stock_before` int NOT NULL,
	`stock_after` int NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `restocks_id` PRIMARY KEY(`id`),
	CONSTRAINT `restocks_quantity_chk` CHECK(`quantity` > 0),
	CONSTRAINT `restocks_stock_after_chk` CHECK(`stock_after` = `stock_before` + `quantity`)
);

--> statement-breakpoint
CREATE TABLE `orders` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`order_no` varchar(32) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`channel_id` varchar(36),
	`channel_number` int NOT NULL,
	`product_id` varchar(36) NOT NULL,
	`price` bigint NOT NULL,
	`quantity` int NOT NULL DEFAULT 1,
	`amount` bigint NOT NULL,
	`cost` bigint NOT NULL DEFAULT 0,
	`payment_method` varchar(9) NOT NULL,
	`provider` varchar(10),
	`provider_trade_no` varchar(64),
	`vend_id` bigint,
	`status` varchar(11) NOT NULL DEFAULT 'created',
	`paid_at` datetime(3),
	`vended_at` datetime(3),
	`completed_at` datetime(3),
	`refunded_at` datetime(3),
	`offline` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `orders_id` PRIMARY KEY(`id`),
	CONSTRAINT `orders_tenant_id_order_no_uq` UNIQUE(`tenant_id`,`order_no`),
	CONSTRAINT `orders_machine_id_vend_id_uq` UNIQUE(`machine_id`,`vend_id`),
	CONSTRAINT `orders_payment_method_chk` CHECK(`payment_method` in ('qr', 'cash', 'card', 'gift_code', 'free')),
	CONSTRAINT `orders_provider_chk` CHECK(`provider` in ('wechat_pay', 'alipay', 'unionpay', 'mock')),
	CONSTRAINT `orders_status_chk` CHECK(`status` in ('created', 'paid', 'vending', 'completed', 'vend_failed', 'refunding', 'refunded', 'cancelled', 'expired')),
	CONSTRAINT `orders_price_chk` CHECK(`price` >= 0),
	CONSTRAINT `orders_quantity_chk` CHECK(`quantity` > 0),
	CONSTRAINT `orders_amount_chk` CHECK(`amount` >= 0),
	CONSTRAINT `orders_cost_chk` CHECK(`cost` >= 0)
);

--> statement-breakpoint
CREATE TABLE `payments` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`order_id` varchar(36) NOT NULL,
	`provider` varchar(10) NOT NULL,
	`account_id` varchar(36),
	`amount` bigint NOT NULL,
	`provider_trade_no` varchar(64),
	`qr_content` varchar(500),
	`status` varchar(9) NOT NULL DEFAULT 'pending',
	`expires_at` datetime(3),
	`paid_at` datetime(3),
	`notification` json,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `payments_id` PRIMARY KEY(`id`),
	CONSTRAINT `payments_provider_provider_trade_no_uq` UNIQUE(`provider`,`provider_trade_no`),
	CONSTRAINT `payments_provider_chk` CHECK(`provider` in ('wechat_pay', 'alipay', 'unionpay', 'mock')),
	CONSTRAINT `payments_status_chk` CHECK(`status` in ('pending', 'succeeded', 'failed', 'closed')),
	CONSTRAINT `payments_amount_chk` CHECK(`amount` >= 0)
);

--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`refund_no` varchar(32) NOT NULL,
	`order_id` varchar(36) NOT NULL,
	`payment_id` varchar(36),
	`amount` bigint NOT NULL,
	`reason` varchar(255) NOT NULL,
	`status` varchar(9) NOT NULL DEFAULT 'pending',
	`provider_refund_no` varchar(64),
	`refunded_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `refunds_id` PRIMARY KEY(`id`),
	CONSTRAINT `refunds_tenant_id_refund_no_uq` UNIQUE(`tenant_id`,`refund_no`),
	CONSTRAINT `refunds_status_chk` CHECK(`status` in ('pending', 'succeeded', 'failed')),
	CONSTRAINT `refunds_amount_chk` CHECK(`amount` > 0)
);

--> statement-breakpoint
CREATE TABLE `gift_code_rules` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`name` varchar(64) NOT NULL,
	`trigger` varchar(21) NOT NULL,
	`threshold` int NOT NULL DEFAULT 0,
	`value` bigint NOT NULL,
	`valid_days` int NOT NULL,
	`enabled` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `gift_code_rules_id` PRIMARY KEY(`id`),
	CONSTRAINT `gift_code_rules_tenant_id_name_uq` UNIQUE(`tenant_id`,`name`),
	CONSTRAINT `gift_code_rules_trigger_chk` CHECK(`trigger` in ('manual', 'order_amount_at_least', 'every_nth_order')),
	CONSTRAINT `gift_code_rules_value_chk` CHECK(`value` > 0),
	CONSTRAINT `gift_code_rules_valid_days_chk` CHECK(`valid_days` > 0)
);

--> statement-breakpoint
CREATE TABLE `gift_codes` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`code` varchar(32) NOT NULL,
	`rule_id` varchar(36),
	`value` bigint NOT NULL,
	`quantity` int NOT NULL DEFAULT 1,
	`expires_at` datetime(3) NOT NULL,
	`issued_by_order_id` varchar(36),
	`redeemed_by_order_id` varchar(36),
	`status` varchar(8) NOT NULL DEFAULT 'active',
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `gift_codes_id` PRIMARY KEY(`id`),
	CONSTRAINT `gift_codes_tenant_id_code_uq` UNIQUE(`tenant_id`,`code`),
	CONSTRAINT `gift_codes_status_chk` CHECK(`status` in ('active', 'redeemed', 'void', 'expired')),
	CONSTRAINT `gift_codes_value_chk` CHECK(`value` > 0),
	CONSTRAINT `gift_codes_quantity_chk` CHECK(`quantity` >= 0)
);

--> statement-breakpoint
CREATE TABLE `turnovers` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`document_no` varchar(32) NOT NULL,
	`staff_id` varchar(36) NOT NULL,
	`cash_amount` bigint NOT NULL DEFAULT 0,
	`mobile_amount` bigint NOT NULL DEFAULT 0,
	`period_start` date NOT NULL,
	`period_end` date NOT NULL,
	`status` varchar(9) NOT NULL DEFAULT 'submitted',
	`confirmed_by` varchar(36),
	`confirmed_at` datetime(3),
	`note` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `turnovers_id` PRIMARY KEY(`id`),
	CONSTRAINT `turnovers_tenant_id_document_no_uq` UNIQUE(`tenant_id`,`document_no`),
	CONSTRAINT `turnovers_status_chk` CHECK(`status` in ('submitted', 'confirmed', 'rejected')),
	CONSTRAINT `turnovers_cash_amount_chk` CHECK(`cash_amount` >= 0),
	CONSTRAINT `turnovers_mobile_amount_chk` CHECK(`mobile_amount` >= 0)
);

--> statement-breakpoint
CREATE TABLE `settlements` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`kind` varchar(6) NOT NULL,
	`staff_id` varchar(36),
	`period_start` date NOT NULL,
	`period_end` date NOT NULL,
	`figures` json NOT NULL,
	`status` varchar(5) NOT NULL DEFAULT 'draft',
	`settled_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `settlements_id` PRIMARY KEY(`id`),
	CONSTRAINT `settlements_kind_chk` CHECK(`kind` in ('goods', 'profit')),
	CONSTRAINT `settlements_status_chk` CHECK(`status` in ('draft', 'final'))
);

--> statement-breakpoint
CREATE TABLE `device_credentials` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`public_key` text NOT NULL,
	`key_id` varchar(64) NOT NULL,
	`activated_at` datetime(3) NOT NULL,
	`revoked_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `device_credentials_id` PRIMARY KEY(`id`),
	CONSTRAINT `device_credentials_key_id_uq` UNIQUE(`key_id`)
);

--> statement-breakpoint
CREATE TABLE `activation_codes` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`code_hash` varchar(64) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	`used_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `activation_codes_id` PRIMARY KEY(`id`),
	CONSTRAINT `activation_codes_code_hash_uq` UNIQUE(`code_hash`)
);

--> statement-breakpoint
CREATE TABLE `device_nonces` (
	`id` varchar(36) NOT NULL,
	`key_id` varchar(64) NOT NULL,
	`nonce` varchar(64) NOT NULL,
	`expires_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `device_nonces_id` PRIMARY KEY(`id`),
	CONSTRAINT `device_nonces_key_id_nonce_uq` UNIQUE(`key_id`,`nonce`)
);

--> statement-breakpoint
CREATE TABLE `machine_status` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`online` boolean NOT NULL DEFAULT false,
	`last_heartbeat_at` datetime(3),
	`temperature` int,
	`door_open` boolean NOT NULL DEFAULT false,
	`app_version` varchar(32),
	`firmware` varchar(32),
	`errors` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `machine_status_id` PRIMARY KEY(`id`),
	CONSTRAINT `machine_status_machine_id_uq` UNIQUE(`machine_id`)
);

--> statement-breakpoint
CREATE TABLE `alarms` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`kind` varchar(17) NOT NULL,
	`severity` varchar(8) NOT NULL,
	`message` varchar(255) NOT NULL,
	`raised_at` datetime(3) NOT NULL,
	`acknowledged_at` datetime(3),
	`acknowledged_by` varchar(36),
	`resolved_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `alarms_id` PRIMARY KEY(`id`),
	CONSTRAINT `alarms_kind_chk` CHECK(`kind` in ('offline', 'door_open', 'temperature', 'motor_fault', 'jam', 'channel_empty', 'bill_stacker_full', 'coin_tube_low', 'payment_device')),
	CONSTRAINT `alarms_severity_chk` CHECK(`severity` in ('info', 'warning', 'critical'))
);

--> statement-breakpoint
CREATE TABLE `terminal_logs` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`upload_id` varchar(36) NOT NULL,
	`level` varchar(5) NOT NULL,
	`lines` int NOT NULL,
	`content` text NOT NULL,
	`from` datetime(3) NOT NULL,
	`to` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `terminal_logs_id` PRIMARY KEY(`id`),
	CONSTRAINT `terminal_logs_machine_id_upload_id_uq` UNIQUE(`machine_id`,`upload_id`),
	CONSTRAINT `terminal_logs_level_chk` CHECK(`level` in ('debug', 'info', 'warn', 'error'))
);

--> statement-breakpoint
CREATE TABLE `ads` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`name` varchar(64) NOT NULL,
	`media_type` varchar(5) NOT NULL,
	`url` varchar(500) NOT NULL,
	`sha256` varchar(64) NOT NULL,
	`duration_seconds` int NOT NULL DEFAULT 10,
	`starts_at` datetime(3),
	`ends_at` datetime(3),
	`enabled` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `ads_id` PRIMARY KEY(`id`),
	CONSTRAINT `ads_media_type_chk` CHECK(`media_type` in ('image', 'video')),
	CONSTRAINT `ads_duration_seconds_chk` CHECK(`duration_seconds` > 0)
);

--> statement-breakpoint
CREATE TABLE `ad_machines` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`ad_id` varchar(36) NOT NULL,
	`machine_id` varchar(36) NOT NULL,
	`sort_order` int NOT NULL DEFAULT 0,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `ad_machines_id` PRIMARY KEY(`id`),
	CONSTRAINT `ad_machines_ad_id_machine_id_uq` UNIQUE(`ad_id`,`machine_id`)
);

--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`user_id` varchar(36),
	`action` varchar(64) NOT NULL,
	`entity` varchar(64) NOT NULL,
	`entity_id` varchar(36),
	`before` json,
	`after` json,
	`request_id` varchar(36),
	`ip` varchar(45),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `audit_log_id` PRIMARY KEY(`id`)
);

--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`provider` varchar(32) NOT NULL,
	`period_start` datetime(3) NOT NULL,
	`period_end` datetime(3) NOT NULL,
	`status` varchar(9) NOT NULL DEFAULT 'running',
	`checked` int NOT NULL DEFAULT 0,
	`discrepancy_count` int NOT NULL DEFAULT 0,
	`finished_at` datetime(3),
	`error` text,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `reconciliation_runs_id` PRIMARY KEY(`id`),
	CONSTRAINT `reconciliation_runs_status_chk` CHECK(`status` in ('running', 'succeeded', 'failed'))
);

--> statement-breakpoint
CREATE TABLE `reconciliation_discrepancies` (
	`id` varchar(36) NOT NULL,
	`tenant_id` varchar(36) NOT NULL,
	`run_id` varchar(36) NOT NULL,
	`order_id` varchar(36),
	`kind` varchar(19) NOT NULL,
	`provider_trade_no` varchar(64),
	`expected` bigint,
	`actual` bigint,
	`resolved_at` datetime(3),
	`note` varchar(255),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `reconciliation_discrepancies_id` PRIMARY KEY(`id`),
	CONSTRAINT `reconciliation_discrepancies_kind_chk` CHECK(`kind` in ('missing_at_provider', 'missing_locally', 'amount_mismatch', 'status_mismatch'))
);

--> statement-breakpoint
CREATE TABLE `backups` (
	`id` varchar(36) NOT NULL,
	`location` varchar(500) NOT NULL,
	`size_bytes` bigint,
	`sha256` varchar(64),
	`status` varchar(9) NOT NULL DEFAULT 'running',
	`started_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	`error` text,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `backups_id` PRIMARY KEY(`id`),
	CONSTRAINT `backups_status_chk` CHECK(`status` in ('running', 'succeeded', 'failed'))
);

--> statement-breakpoint
CREATE TABLE `job_locks` (
	`id` varchar(36) NOT NULL,
	`name` varchar(64) NOT NULL,
	`holder` varchar(64) NOT NULL,
	`locked_until` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`created_by` varchar(36),
	`updated_by` varchar(36),
	CONSTRAINT `job_locks_id` PRIMARY KEY(`id`),
	CONSTRAINT `job_locks_name_uq` UNIQUE(`name`)
);

--> statement-breakpoint
ALTER TABLE `tenant_modules` ADD CONSTRAINT `tenant_modules_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `tenant_modules` ADD CONSTRAINT `tenant_modules_module_id_modules_id_fk` FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `lease_orders` ADD CONSTRAINT `lease_orders_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `roles` ADD CONSTRAINT `roles_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `role_permissions` ADD CONSTRAINT `role_permissions_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `role_permissions` ADD CONSTRAINT `role_permissions_role_id_roles_id_fk` FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `role_permissions` ADD CONSTRAINT `role_permissions_permission_id_permissions_id_fk` FOREIGN KEY (`permission_id`) REFERENCES `permissions`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `groups` ADD CONSTRAINT `groups_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `users_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `users_group_id_groups_id_fk` FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `user_roles` ADD CONSTRAINT `user_roles_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `user_roles` ADD CONSTRAINT `user_roles_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `user_roles` ADD CONSTRAINT `user_roles_role_id_roles_id_fk` FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `payment_accounts` ADD CONSTRAINT `payment_accounts_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `custom_field_definitions` ADD CONSTRAINT `custom_field_definitions_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `custom_field_values` ADD CONSTRAINT `custom_field_values_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `custom_field_values` ADD CONSTRAINT `custom_field_values_definition_id_custom_field_definitions_id_fk` FOREIGN KEY (`definition_id`) REFERENCES `custom_field_definitions`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machine_types` ADD CONSTRAINT `machine_types_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_type_id_machine_types_id_fk` FOREIGN KEY (`type_id`) REFERENCES `machine_types`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_manufacturer_id_tenants_id_fk` FOREIGN KEY (`manufacturer_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_group_id_groups_id_fk` FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machines` ADD CONSTRAINT `machines_staff_id_users_id_fk` FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machine_sales` ADD CONSTRAINT `machine_sales_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machine_sales` ADD CONSTRAINT `machine_sales_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machine_sales` ADD CONSTRAINT `machine_sales_operator_id_tenants_id_fk` FOREIGN KEY (`operator_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `products` ADD CONSTRAINT `products_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channel_groups` ADD CONSTRAINT `channel_groups_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channel_groups` ADD CONSTRAINT `channel_groups_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channel_groups` ADD CONSTRAINT `channel_groups_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channels` ADD CONSTRAINT `channels_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channels` ADD CONSTRAINT `channels_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channels` ADD CONSTRAINT `channels_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `channels` ADD CONSTRAINT `channels_channel_group_id_channel_groups_id_fk` FOREIGN KEY (`channel_group_id`) REFERENCES `channel_groups`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `warehouse_stock` ADD CONSTRAINT `warehouse_stock_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `warehouse_stock` ADD CONSTRAINT `warehouse_stock_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `staff_inventory` ADD CONSTRAINT `staff_inventory_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `staff_inventory` ADD CONSTRAINT `staff_inventory_staff_id_users_id_fk` FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `staff_inventory` ADD CONSTRAINT `staff_inventory_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `shipments` ADD CONSTRAINT `shipments_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `shipments` ADD CONSTRAINT `shipments_staff_id_users_id_fk` FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `shipment_items` ADD CONSTRAINT `shipment_items_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `shipment_items` ADD CONSTRAINT `shipment_items_shipment_id_shipments_id_fk` FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `shipment_items` ADD CONSTRAINT `shipment_items_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `transfers` ADD CONSTRAINT `transfers_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `transfers` ADD CONSTRAINT `transfers_from_staff_id_users_id_fk` FOREIGN KEY (`from_staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `transfers` ADD CONSTRAINT `transfers_to_staff_id_users_id_fk` FOREIGN KEY (`to_staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `transfer_items` ADD CONSTRAINT `transfer_items_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `transfer_items` ADD CONSTRAINT `transfer_items_transfer_id_transfers_id_fk` FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `transfer_items` ADD CONSTRAINT `transfer_items_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `restocks` ADD CONSTRAINT `restocks_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `restocks` ADD CONSTRAINT `restocks_staff_id_users_id_fk` FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `restocks` ADD CONSTRAINT `restocks_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `restocks` ADD CONSTRAINT `restocks_channel_id_channels_id_fk` FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `restocks` ADD CONSTRAINT `restocks_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_channel_id_channels_id_fk` FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_product_id_products_id_fk` FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `payments_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `payments_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `payments` ADD CONSTRAINT `payments_account_id_payment_accounts_id_fk` FOREIGN KEY (`account_id`) REFERENCES `payment_accounts`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `refunds` ADD CONSTRAINT `refunds_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `refunds` ADD CONSTRAINT `refunds_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `refunds` ADD CONSTRAINT `refunds_payment_id_payments_id_fk` FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `gift_code_rules` ADD CONSTRAINT `gift_code_rules_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `gift_codes` ADD CONSTRAINT `gift_codes_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `gift_codes` ADD CONSTRAINT `gift_codes_rule_id_gift_code_rules_id_fk` FOREIGN KEY (`rule_id`) REFERENCES `gift_code_rules`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `gift_codes` ADD CONSTRAINT `gift_codes_issued_by_order_id_orders_id_fk` FOREIGN KEY (`issued_by_order_id`) REFERENCES `orders`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `gift_codes` ADD CONSTRAINT `gift_codes_redeemed_by_order_id_orders_id_fk` FOREIGN KEY (`redeemed_by_order_id`) REFERENCES `orders`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `turnovers` ADD CONSTRAINT `turnovers_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `turnovers` ADD CONSTRAINT `turnovers_staff_id_users_id_fk` FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `settlements` ADD CONSTRAINT `settlements_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `settlements` ADD CONSTRAINT `settlements_staff_id_users_id_fk` FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `device_credentials` ADD CONSTRAINT `device_credentials_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `device_credentials` ADD CONSTRAINT `device_credentials_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `activation_codes` ADD CONSTRAINT `activation_codes_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `activation_codes` ADD CONSTRAINT `activation_codes_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD CONSTRAINT `machine_status_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `machine_status` ADD CONSTRAINT `machine_status_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `alarms` ADD CONSTRAINT `alarms_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `alarms` ADD CONSTRAINT `alarms_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `terminal_logs` ADD CONSTRAINT `terminal_logs_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `terminal_logs` ADD CONSTRAINT `terminal_logs_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `ads` ADD CONSTRAINT `ads_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `ad_machines` ADD CONSTRAINT `ad_machines_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `ad_machines` ADD CONSTRAINT `ad_machines_ad_id_ads_id_fk` FOREIGN KEY (`ad_id`) REFERENCES `ads`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `ad_machines` ADD CONSTRAINT `ad_machines_machine_id_machines_id_fk` FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `audit_log` ADD CONSTRAINT `audit_log_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `reconciliation_runs` ADD CONSTRAINT `reconciliation_runs_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `reconciliation_discrepancies` ADD CONSTRAINT `reconciliation_discrepancies_tenant_id_tenants_id_fk` FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `reconciliation_discrepancies` ADD CONSTRAINT `reconciliation_discrepancies_run_id_reconciliation_runs_id_fk` FOREIGN KEY (`run_id`) REFERENCES `reconciliation_runs`(`id`) ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE `reconciliation_discrepancies` ADD CONSTRAINT `reconciliation_discrepancies_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX `tenants_kind_status_idx` ON `tenants` (`kind`,`status`);
--> statement-breakpoint
CREATE INDEX `tenants_lease_ends_at_idx` ON `tenants` (`lease_ends_at`);
--> statement-breakpoint
CREATE INDEX `tenant_modules_module_id_idx` ON `tenant_modules` (`module_id`);
--> statement-breakpoint
CREATE INDEX `pricing_rules_effective_from_idx` ON `pricing_rules` (`effective_from`);
--> statement-breakpoint
CREATE INDEX `lease_orders_tenant_id_created_at_idx` ON `lease_orders` (`tenant_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `permissions_kind_idx` ON `permissions` (`kind`);
--> statement-breakpoint
CREATE INDEX `roles_tenant_id_kind_idx` ON `roles` (`tenant_id`,`kind`);
--> statement-breakpoint
CREATE INDEX `role_permissions_tenant_id_idx` ON `role_permissions` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `role_permissions_permission_id_idx` ON `role_permissions` (`permission_id`);
--> statement-breakpoint
CREATE INDEX `groups_tenant_id_idx` ON `groups` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `users_tenant_id_group_id_idx` ON `users` (`tenant_id`,`group_id`);
--> statement-breakpoint
CREATE INDEX `user_roles_tenant_id_idx` ON `user_roles` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `user_roles_role_id_idx` ON `user_roles` (`role_id`);
--> statement-breakpoint
CREATE INDEX `sessions_tenant_id_user_id_idx` ON `sessions` (`tenant_id`,`user_id`);
--> statement-breakpoint
CREATE INDEX `sessions_expires_at_idx` ON `sessions` (`expires_at`);
--> statement-breakpoint
CREATE INDEX `data_keys_status_idx` ON `data_keys` (`status`);
--> statement-breakpoint
CREATE INDEX `payment_accounts_tenant_id_idx` ON `payment_accounts` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `custom_field_definitions_tenant_id_idx` ON `custom_field_definitions` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `custom_field_values_tenant_id_entity_id_idx` ON `custom_field_values` (`tenant_id`,`entity_id`);
--> statement-breakpoint
CREATE INDEX `machine_types_tenant_id_idx` ON `machine_types` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `machines_tenant_id_status_idx` ON `machines` (`tenant_id`,`status`);
--> statement-breakpoint
CREATE INDEX `machines_tenant_id_group_id_idx` ON `machines` (`tenant_id`,`group_id`);
--> statement-breakpoint
CREATE INDEX `machines_tenant_id_staff_id_idx` ON `machines` (`tenant_id`,`staff_id`);
--> statement-breakpoint
CREATE INDEX `machines_manufacturer_id_idx` ON `machines` (`manufacturer_id`);
--> statement-breakpoint
CREATE INDEX `machine_sales_tenant_id_sold_at_idx` ON `machine_sales` (`tenant_id`,`sold_at`);
--> statement-breakpoint
CREATE INDEX `machine_sales_operator_id_idx` ON `machine_sales` (`operator_id`);
--> statement-breakpoint
CREATE INDEX `machine_sales_machine_id_idx` ON `machine_sales` (`machine_id`);
--> statement-breakpoint
CREATE INDEX `app_releases_channel_published_at_idx` ON `app_releases` (`channel`,`published_at`);
--> statement-breakpoint
CREATE INDEX `products_tenant_id_name_idx` ON `products` (`tenant_id`,`name`);
--> statement-breakpoint
CREATE INDEX `channel_groups_tenant_id_product_id_idx` ON `channel_groups` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE INDEX `channels_tenant_id_product_id_idx` ON `channels` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE INDEX `channels_channel_group_id_idx` ON `channels` (`channel_group_id`);
--> statement-breakpoint
CREATE INDEX `warehouse_stock_tenant_id_idx` ON `warehouse_stock` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `staff_inventory_tenant_id_product_id_idx` ON `staff_inventory` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE INDEX `shipments_tenant_id_staff_id_created_at_idx` ON `shipments` (`tenant_id`,`staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `shipments_tenant_id_status_idx` ON `shipments` (`tenant_id`,`status`);
--> statement-breakpoint
CREATE INDEX `shipment_items_tenant_id_product_id_idx` ON `shipment_items` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE INDEX `transfers_tenant_id_from_staff_id_created_at_idx` ON `transfers` (`tenant_id`,`from_staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `transfers_tenant_id_to_staff_id_created_at_idx` ON `transfers` (`tenant_id`,`to_staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `transfer_items_tenant_id_product_id_idx` ON `transfer_items` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE INDEX `restocks_tenant_id_staff_id_created_at_idx` ON `restocks` (`tenant_id`,`staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `restocks_tenant_id_machine_id_created_at_idx` ON `restocks` (`tenant_id`,`machine_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `restocks_channel_id_idx` ON `restocks` (`channel_id`);
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
CREATE INDEX `payments_tenant_id_order_id_idx` ON `payments` (`tenant_id`,`order_id`);
--> statement-breakpoint
CREATE INDEX `payments_tenant_id_status_expires_at_idx` ON `payments` (`tenant_id`,`status`,`expires_at`);
--> statement-breakpoint
CREATE INDEX `refunds_tenant_id_order_id_idx` ON `refunds` (`tenant_id`,`order_id`);
--> statement-breakpoint
CREATE INDEX `refunds_tenant_id_status_idx` ON `refunds` (`tenant_id`,`status`);
--> statement-breakpoint
CREATE INDEX `gift_code_rules_tenant_id_idx` ON `gift_code_rules` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `gift_codes_tenant_id_status_expires_at_idx` ON `gift_codes` (`tenant_id`,`status`,`expires_at`);
--> statement-breakpoint
CREATE INDEX `turnovers_tenant_id_staff_id_period_start_idx` ON `turnovers` (`tenant_id`,`staff_id`,`period_start`);
--> statement-breakpoint
CREATE INDEX `turnovers_tenant_id_period_start_idx` ON `turnovers` (`tenant_id`,`period_start`);
--> statement-breakpoint
CREATE INDEX `settlements_tenant_id_kind_period_start_idx` ON `settlements` (`tenant_id`,`kind`,`period_start`);
--> statement-breakpoint
CREATE INDEX `settlements_tenant_id_staff_id_idx` ON `settlements` (`tenant_id`,`staff_id`);
--> statement-breakpoint
CREATE INDEX `device_credentials_tenant_id_machine_id_idx` ON `device_credentials` (`tenant_id`,`machine_id`);
--> statement-breakpoint
CREATE INDEX `activation_codes_tenant_id_machine_id_idx` ON `activation_codes` (`tenant_id`,`machine_id`);
--> statement-breakpoint
CREATE INDEX `device_nonces_expires_at_idx` ON `device_nonces` (`expires_at`);
--> statement-breakpoint
CREATE INDEX `machine_status_tenant_id_online_idx` ON `machine_status` (`tenant_id`,`online`);
--> statement-breakpoint
CREATE INDEX `machine_status_last_heartbeat_at_idx` ON `machine_status` (`last_heartbeat_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_raised_at_idx` ON `alarms` (`tenant_id`,`raised_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_machine_id_raised_at_idx` ON `alarms` (`tenant_id`,`machine_id`,`raised_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_acknowledged_at_idx` ON `alarms` (`tenant_id`,`acknowledged_at`);
--> statement-breakpoint
CREATE INDEX `terminal_logs_tenant_id_machine_id_from_idx` ON `terminal_logs` (`tenant_id`,`machine_id`,`from`);
--> statement-breakpoint
CREATE INDEX `ads_tenant_id_enabled_idx` ON `ads` (`tenant_id`,`enabled`);
--> statement-breakpoint
CREATE INDEX `ad_machines_tenant_id_machine_id_idx` ON `ad_machines` (`tenant_id`,`machine_id`);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant_id_created_at_idx` ON `audit_log` (`tenant_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant_id_entity_entity_id_idx` ON `audit_log` (`tenant_id`,`entity`,`entity_id`);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant_id_user_id_created_at_idx` ON `audit_log` (`tenant_id`,`user_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `reconciliation_runs_tenant_id_period_start_idx` ON `reconciliation_runs` (`tenant_id`,`period_start`);
--> statement-breakpoint
CREATE INDEX `reconciliation_discrepancies_tenant_id_run_id_idx` ON `reconciliation_discrepancies` (`tenant_id`,`run_id`);
--> statement-breakpoint
CREATE INDEX `reconciliation_discrepancies_tenant_id_resolved_at_idx` ON `reconciliation_discrepancies` (`tenant_id`,`resolved_at`);
--> statement-breakpoint
CREATE INDEX `backups_started_at_idx` ON `backups` (`started_at`);
