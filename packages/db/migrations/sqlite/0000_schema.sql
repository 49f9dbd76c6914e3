CREATE TABLE `tenants` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`kind` text(12) NOT NULL,
	`code` text(6) NOT NULL,
	`name` text(25) NOT NULL,
	`status` text(9) DEFAULT 'active' NOT NULL,
	`contact_name` text(64),
	`contact_phone` text,
	`lease_starts_at` integer,
	`lease_ends_at` integer,
	`machine_quota` integer DEFAULT 0 NOT NULL,
	`trial_used` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "tenants_kind_chk" CHECK("kind" in ('manufacturer', 'operator')),
	CONSTRAINT "tenants_status_chk" CHECK("status" in ('active', 'suspended'))
);

--> statement-breakpoint
CREATE INDEX `tenants_kind_status_idx` ON `tenants` (`kind`,`status`);
--> statement-breakpoint
CREATE INDEX `tenants_lease_ends_at_idx` ON `tenants` (`lease_ends_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_code_uq` ON `tenants` (`code`);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_name_uq` ON `tenants` (`name`);
--> statement-breakpoint
CREATE TABLE `modules` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`code` text(32) NOT NULL,
	`name` text(64) NOT NULL,
	`description` text(255),
	`monthly_rent` integer NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36)
);

--> statement-breakpoint
CREATE UNIQUE INDEX `modules_code_uq` ON `modules` (`code`);
--> statement-breakpoint
CREATE TABLE `tenant_modules` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`module_id` text(36) NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON UPDATE no action ON DELETE restrict
);

--> statement-breakpoint
CREATE INDEX `tenant_modules_module_id_idx` ON `tenant_modules` (`module_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenant_modules_tenant_id_module_id_uq` ON `tenant_modules` (`tenant_id`,`module_id`);
--> statement-breakpoint
CREATE TABLE `pricing_rules` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`machine_monthly_rent` integer NOT NULL,
	`effective_from` integer NOT NULL,
	`note` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36)
);

--> statement-breakpoint
CREATE INDEX `pricing_rules_effective_from_idx` ON `pricing_rules` (`effective_from`);
--> statement-breakpoint
CREATE TABLE `discount_tiers` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`min_machines` integer NOT NULL,
	`discount_basis_points` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36)
);

--> statement-breakpoint
CREATE UNIQUE INDEX `discount_tiers_min_machines_uq` ON `discount_tiers` (`min_machines`);
--> statement-breakpoint
CREATE TABLE `lease_orders` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`order_no` text(32) NOT NULL,
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
	CONSTRAINT "lease_orders_status_chk" CHECK("status" in ('pending', 'paid', 'cancelled'))
);

--> statement-breakpoint
CREATE INDEX `lease_orders_tenant_id_created_at_idx` ON `lease_orders` (`tenant_id`,`created_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `lease_orders_order_no_uq` ON `lease_orders` (`order_no`);
--> statement-breakpoint
CREATE TABLE `permissions` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`code` text(5) NOT NULL,
	`name` text(64) NOT NULL,
	`kind` text(12) NOT NULL,
	`module_code` text(32),
	`description` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "permissions_kind_chk" CHECK("kind" in ('manufacturer', 'operator'))
);

--> statement-breakpoint
CREATE INDEX `permissions_kind_idx` ON `permissions` (`kind`);
--> statement-breakpoint
CREATE UNIQUE INDEX `permissions_code_uq` ON `permissions` (`code`);
--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`name` text(32) NOT NULL,
	`key` text(32),
	`kind` text(12) NOT NULL,
	`template` integer DEFAULT false NOT NULL,
	`description` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "roles_kind_chk" CHECK("kind" in ('manufacturer', 'operator'))
);

--> statement-breakpoint
CREATE INDEX `roles_tenant_id_kind_idx` ON `roles` (`tenant_id`,`kind`);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_tenant_id_name_uq` ON `roles` (`tenant_id`,`name`);
--> statement-breakpoint
CREATE TABLE `role_permissions` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`role_id` text(36) NOT NULL,
	`permission_id` text(36) NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`permission_id`) REFERENCES `permissions`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `role_permissions_tenant_id_idx` ON `role_permissions` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `role_permissions_permission_id_idx` ON `role_permissions` (`permission_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_permissions_role_id_permission_id_uq` ON `role_permissions` (`role_id`,`permission_id`);
--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`name` text(32) NOT NULL,
	`type` text(7) NOT NULL,
	`description` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "groups_type_chk" CHECK("type" in ('staff', 'machine'))
);

--> statement-breakpoint
CREATE INDEX `groups_tenant_id_idx` ON `groups` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_tenant_id_type_name_uq` ON `groups` (`tenant_id`,`type`,`name`);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`username` text(32) NOT NULL,
	`display_name` text(64) NOT NULL,
	`password_hash` text(255) NOT NULL,
	`phone` text,
	`email` text,
	`group_id` text(36),
	`group_admin` integer DEFAULT false NOT NULL,
	`status` text(8) DEFAULT 'active' NOT NULL,
	`must_change_password` integer DEFAULT false NOT NULL,
	`last_login_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "users_status_chk" CHECK("status" in ('active', 'disabled'))
);

--> statement-breakpoint
CREATE INDEX `users_tenant_id_group_id_idx` ON `users` (`tenant_id`,`group_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_tenant_id_username_uq` ON `users` (`tenant_id`,`username`);
--> statement-breakpoint
CREATE TABLE `user_roles` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`user_id` text(36) NOT NULL,
	`role_id` text(36) NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `user_roles_tenant_id_idx` ON `user_roles` (`tenant_id`);
--> statement-breakpoint
CREATE INDEX `user_roles_role_id_idx` ON `user_roles` (`role_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_roles_user_id_role_id_uq` ON `user_roles` (`user_id`,`role_id`);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`user_id` text(36) NOT NULL,
	`token_hash` text(64) NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text(45),
	`user_agent` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `sessions_tenant_id_user_id_idx` ON `sessions` (`tenant_id`,`user_id`);
--> statement-breakpoint
CREATE INDEX `sessions_expires_at_idx` ON `sessions` (`expires_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_uq` ON `sessions` (`token_hash`);
--> statement-breakpoint
CREATE TABLE `login_throttles` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`key` text(64) NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_failure_at` integer NOT NULL,
	`locked_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "login_throttles_failures_chk" CHECK("failures" >= 0)
);

--> statement-breakpoint
CREATE UNIQUE INDEX `login_throttles_key_uq` ON `login_throttles` (`key`);
--> statement-breakpoint
CREATE TABLE `data_keys` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`master_key_id` text(16) NOT NULL,
	`wrapped_key` text NOT NULL,
	`status` text(7) DEFAULT 'active' NOT NULL,
	`retired_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "data_keys_status_chk" CHECK("status" in ('active', 'retired'))
);

--> statement-breakpoint
CREATE INDEX `data_keys_status_idx` ON `data_keys` (`status`);
--> statement-breakpoint
CREATE TABLE `payment_accounts` (
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
	CONSTRAINT "payment_accounts_provider_chk" CHECK("provider" in ('wechat_pay', 'alipay', 'unionpay', 'mock'))
);

--> statement-breakpoint
CREATE INDEX `payment_accounts_tenant_id_idx` ON `payment_accounts` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_accounts_tenant_id_provider_merchant_id_uq` ON `payment_accounts` (`tenant_id`,`provider`,`merchant_id`);
--> statement-breakpoint
CREATE TABLE `custom_field_definitions` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`entity` text(7) NOT NULL,
	`key` text(32) NOT NULL,
	`label` text(64) NOT NULL,
	`type` text(7) NOT NULL,
	`options` text,
	`required` integer DEFAULT false NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "custom_field_definitions_entity_chk" CHECK("entity" in ('machine', 'product', 'user')),
	CONSTRAINT "custom_field_definitions_type_chk" CHECK("type" in ('text', 'number', 'boolean', 'date', 'select'))
);

--> statement-breakpoint
CREATE INDEX `custom_field_definitions_tenant_id_idx` ON `custom_field_definitions` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_field_definitions_tenant_id_entity_key_uq` ON `custom_field_definitions` (`tenant_id`,`entity`,`key`);
--> statement-breakpoint
CREATE TABLE `custom_field_values` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`definition_id` text(36) NOT NULL,
	`entity_id` text(36) NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`definition_id`) REFERENCES `custom_field_definitions`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `custom_field_values_tenant_id_entity_id_idx` ON `custom_field_values` (`tenant_id`,`entity_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_field_values_definition_id_entity_id_uq` ON `custom_field_values` (`definition_id`,`entity_id`);
--> statement-breakpoint
CREATE TABLE `machine_types` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`model` text(32) NOT NULL,
	`name` text(64) NOT NULL,
	`channel_count` integer NOT NULL,
	`channel_capacity` integer NOT NULL,
	`refrigerated` integer DEFAULT false NOT NULL,
	`description` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "machine_types_channel_count_chk" CHECK("channel_count" > 0),
	CONSTRAINT "machine_types_channel_capacity_chk" CHECK("channel_capacity" > 0)
);

--> statement-breakpoint
CREATE INDEX `machine_types_tenant_id_idx` ON `machine_types` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `machine_types_tenant_id_model_uq` ON `machine_types` (`tenant_id`,`model`);
--> statement-breakpoint
CREATE TABLE `machines` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`board_id` text(32) NOT NULL,
	`type_id` text(36) NOT NULL,
	`manufacturer_id` text(36) NOT NULL,
	`price` integer DEFAULT 0 NOT NULL,
	`name` text(64),
	`address` text(255),
	`latitude_e6` integer,
	`longitude_e6` integer,
	`group_id` text(36),
	`staff_id` text(36),
	`status` text(8) DEFAULT 'in_stock' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`type_id`) REFERENCES `machine_types`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`manufacturer_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "machines_status_chk" CHECK("status" in ('in_stock', 'active', 'disabled', 'retired')),
	CONSTRAINT "machines_price_chk" CHECK("price" >= 0)
);

--> statement-breakpoint
CREATE INDEX `machines_tenant_id_status_idx` ON `machines` (`tenant_id`,`status`);
--> statement-breakpoint
CREATE INDEX `machines_tenant_id_group_id_idx` ON `machines` (`tenant_id`,`group_id`);
--> statement-breakpoint
CREATE INDEX `machines_tenant_id_staff_id_idx` ON `machines` (`tenant_id`,`staff_id`);
--> statement-breakpoint
CREATE INDEX `machines_manufacturer_id_idx` ON `machines` (`manufacturer_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `machines_board_id_uq` ON `machines` (`board_id`);
--> statement-breakpoint
CREATE TABLE `machine_sales` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`operator_id` text(36) NOT NULL,
	`price` integer NOT NULL,
	`sold_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`operator_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "machine_sales_price_chk" CHECK("price" >= 0)
);

--> statement-breakpoint
CREATE INDEX `machine_sales_tenant_id_sold_at_idx` ON `machine_sales` (`tenant_id`,`sold_at`);
--> statement-breakpoint
CREATE INDEX `machine_sales_operator_id_idx` ON `machine_sales` (`operator_id`);
--> statement-breakpoint
CREATE INDEX `machine_sales_machine_id_idx` ON `machine_sales` (`machine_id`);
--> statement-breakpoint
CREATE TABLE `app_releases` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`version` text(32) NOT NULL,
	`channel` text(6) DEFAULT 'stable' NOT NULL,
	`url` text(500) NOT NULL,
	`sha256` text(64) NOT NULL,
	`signature` text NOT NULL,
	`notes` text,
	`published_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "app_releases_channel_chk" CHECK("channel" in ('stable', 'beta'))
);

--> statement-breakpoint
CREATE INDEX `app_releases_channel_published_at_idx` ON `app_releases` (`channel`,`published_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `app_releases_version_uq` ON `app_releases` (`version`);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`code` text(32) NOT NULL,
	`name` text(64) NOT NULL,
	`spec` text(64),
	`unit` text(16) DEFAULT 'pcs' NOT NULL,
	`cost` integer DEFAULT 0 NOT NULL,
	`price` integer NOT NULL,
	`image_url` text(500),
	`description` text,
	`status` text(12) DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "products_status_chk" CHECK("status" in ('active', 'discontinued')),
	CONSTRAINT "products_cost_chk" CHECK("cost" >= 0),
	CONSTRAINT "products_price_chk" CHECK("price" >= 0)
);

--> statement-breakpoint
CREATE INDEX `products_tenant_id_name_idx` ON `products` (`tenant_id`,`name`);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_tenant_id_code_uq` ON `products` (`tenant_id`,`code`);
--> statement-breakpoint
CREATE TABLE `channel_groups` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`name` text(32) NOT NULL,
	`product_id` text(36) NOT NULL,
	`price` integer NOT NULL,
	`discount` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "channel_groups_price_chk" CHECK("price" >= 0)
);

--> statement-breakpoint
CREATE INDEX `channel_groups_tenant_id_product_id_idx` ON `channel_groups` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_groups_machine_id_name_uq` ON `channel_groups` (`machine_id`,`name`);
--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`number` integer NOT NULL,
	`capacity` integer NOT NULL,
	`stock` integer DEFAULT 0 NOT NULL,
	`product_id` text(36),
	`price` integer,
	`channel_group_id` text(36),
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text(200),
	`special_price` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`channel_group_id`) REFERENCES `channel_groups`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "channels_number_chk" CHECK("number" > 0),
	CONSTRAINT "channels_stock_chk" CHECK("stock" >= 0 and "stock" <= "capacity"),
	CONSTRAINT "channels_price_chk" CHECK("price" is null or "price" >= 0)
);

--> statement-breakpoint
CREATE INDEX `channels_tenant_id_product_id_idx` ON `channels` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE INDEX `channels_channel_group_id_idx` ON `channels` (`channel_group_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_machine_id_number_uq` ON `channels` (`machine_id`,`number`);
--> statement-breakpoint
CREATE TABLE `warehouse_stock` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`product_id` text(36) NOT NULL,
	`quantity` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "warehouse_stock_quantity_chk" CHECK("quantity" >= 0)
);

--> statement-breakpoint
CREATE INDEX `warehouse_stock_tenant_id_idx` ON `warehouse_stock` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `warehouse_stock_tenant_id_product_id_uq` ON `warehouse_stock` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE TABLE `staff_inventory` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`staff_id` text(36) NOT NULL,
	`product_id` text(36) NOT NULL,
	`quantity` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "staff_inventory_quantity_chk" CHECK("quantity" >= 0)
);

--> statement-breakpoint
CREATE INDEX `staff_inventory_tenant_id_product_id_idx` ON `staff_inventory` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_inventory_staff_id_product_id_uq` ON `staff_inventory` (`staff_id`,`product_id`);
--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`document_no` text(32) NOT NULL,
	`staff_id` text(36) NOT NULL,
	`status` text(9) DEFAULT 'requested' NOT NULL,
	`note` text(255),
	`approved_by` text(36),
	`approved_at` integer,
	`shipped_at` integer,
	`settled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "shipments_status_chk" CHECK("status" in ('requested', 'approved', 'rejected', 'shipped', 'cancelled'))
);

--> statement-breakpoint
CREATE INDEX `shipments_tenant_id_staff_id_created_at_idx` ON `shipments` (`tenant_id`,`staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `shipments_tenant_id_status_idx` ON `shipments` (`tenant_id`,`status`);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_tenant_id_document_no_uq` ON `shipments` (`tenant_id`,`document_no`);
--> statement-breakpoint
CREATE TABLE `shipment_items` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`shipment_id` text(36) NOT NULL,
	`product_id` text(36) NOT NULL,
	`quantity_requested` integer NOT NULL,
	`quantity_shipped` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "shipment_items_quantity_requested_chk" CHECK("quantity_requested" > 0),
	CONSTRAINT "shipment_items_quantity_shipped_chk" CHECK("quantity_shipped" >= 0)
);

--> statement-breakpoint
CREATE INDEX `shipment_items_tenant_id_product_id_idx` ON `shipment_items` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipment_items_shipment_id_product_id_uq` ON `shipment_items` (`shipment_id`,`product_id`);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`document_no` text(32) NOT NULL,
	`from_staff_id` text(36) NOT NULL,
	`to_staff_id` text(36),
	`status` text(9) DEFAULT 'completed' NOT NULL,
	`note` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`from_staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`to_staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "transfers_status_chk" CHECK("status" in ('completed', 'cancelled'))
);

--> statement-breakpoint
CREATE INDEX `transfers_tenant_id_from_staff_id_created_at_idx` ON `transfers` (`tenant_id`,`from_staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `transfers_tenant_id_to_staff_id_created_at_idx` ON `transfers` (`tenant_id`,`to_staff_id`,`created_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_tenant_id_document_no_uq` ON `transfers` (`tenant_id`,`document_no`);
--> statement-breakpoint
CREATE TABLE `transfer_items` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`transfer_id` text(36) NOT NULL,
	`product_id` text(36) NOT NULL,
	`quantity` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "transfer_items_quantity_chk" CHECK("quantity" > 0)
);

--> statement-breakpoint
CREATE INDEX `transfer_items_tenant_id_product_id_idx` ON `transfer_items` (`tenant_id`,`product_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `transfer_items_transfer_id_product_id_uq` ON `transfer_items` (`transfer_id`,`product_id`);
--> statement-breakpoint
CREATE TABLE `restocks` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`staff_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`channel_id` text(36) NOT NULL,
	`product_id` text(36) NOT NULL,
	`quantity` integer NOT NULL,
	`stock_before` integer NOT NULL,
	`stock_after` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "restocks_quantity_chk" CHECK("quantity" > 0),
	CONSTRAINT "restocks_stock_after_chk" CHECK("stock_after" = "stock_before" + "quantity")
);

--> statement-breakpoint
CREATE INDEX `restocks_tenant_id_staff_id_created_at_idx` ON `restocks` (`tenant_id`,`staff_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `restocks_tenant_id_machine_id_created_at_idx` ON `restocks` (`tenant_id`,`machine_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `restocks_channel_id_idx` ON `restocks` (`channel_id`);
--> statement-breakpoint
CREATE TABLE `orders` (
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
	`status` text(11) DEFAULT 'created' NOT NULL,
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
	CONSTRAINT "orders_provider_chk" CHECK("provider" in ('wechat_pay', 'alipay', 'unionpay', 'mock')),
	CONSTRAINT "orders_status_chk" CHECK("status" in ('created', 'paid', 'vending', 'completed', 'vend_failed', 'refunding', 'refunded', 'cancelled', 'expired')),
	CONSTRAINT "orders_price_chk" CHECK("price" >= 0),
	CONSTRAINT "orders_quantity_chk" CHECK("quantity" > 0),
	CONSTRAINT "orders_amount_chk" CHECK("amount" >= 0),
	CONSTRAINT "orders_cost_chk" CHECK("cost" >= 0)
);

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
CREATE UNIQUE INDEX `orders_machine_id_vend_id_uq` ON `orders` (`machine_id`,`vend_id`);
--> statement-breakpoint
CREATE TABLE `payments` (
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
	CONSTRAINT "payments_provider_chk" CHECK("provider" in ('wechat_pay', 'alipay', 'unionpay', 'mock')),
	CONSTRAINT "payments_status_chk" CHECK("status" in ('pending', 'succeeded', 'failed', 'closed')),
	CONSTRAINT "payments_amount_chk" CHECK("amount" >= 0)
);

--> statement-breakpoint
CREATE INDEX `payments_tenant_id_order_id_idx` ON `payments` (`tenant_id`,`order_id`);
--> statement-breakpoint
CREATE INDEX `payments_tenant_id_status_expires_at_idx` ON `payments` (`tenant_id`,`status`,`expires_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_provider_provider_trade_no_uq` ON `payments` (`provider`,`provider_trade_no`);
--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`refund_no` text(32) NOT NULL,
	`order_id` text(36) NOT NULL,
	`payment_id` text(36),
	`amount` integer NOT NULL,
	`reason` text(255) NOT NULL,
	`status` text(9) DEFAULT 'pending' NOT NULL,
	`provider_refund_no` text(64),
	`refunded_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "refunds_status_chk" CHECK("status" in ('pending', 'succeeded', 'failed')),
	CONSTRAINT "refunds_amount_chk" CHECK("amount" > 0)
);

--> statement-breakpoint
CREATE INDEX `refunds_tenant_id_order_id_idx` ON `refunds` (`tenant_id`,`order_id`);
--> statement-breakpoint
CREATE INDEX `refunds_tenant_id_status_idx` ON `refunds` (`tenant_id`,`status`);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_tenant_id_refund_no_uq` ON `refunds` (`tenant_id`,`refund_no`);
--> statement-breakpoint
CREATE TABLE `gift_code_rules` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`name` text(64) NOT NULL,
	`trigger` text(21) NOT NULL,
	`threshold` integer DEFAULT 0 NOT NULL,
	`value` integer NOT NULL,
	`valid_days` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "gift_code_rules_trigger_chk" CHECK("trigger" in ('manual', 'order_amount_at_least', 'every_nth_order')),
	CONSTRAINT "gift_code_rules_value_chk" CHECK("value" > 0),
	CONSTRAINT "gift_code_rules_valid_days_chk" CHECK("valid_days" > 0)
);

--> statement-breakpoint
CREATE INDEX `gift_code_rules_tenant_id_idx` ON `gift_code_rules` (`tenant_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `gift_code_rules_tenant_id_name_uq` ON `gift_code_rules` (`tenant_id`,`name`);
--> statement-breakpoint
CREATE TABLE `gift_codes` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`code` text(32) NOT NULL,
	`rule_id` text(36),
	`value` integer NOT NULL,
	`quantity` integer DEFAULT 1 NOT NULL,
	`expires_at` integer NOT NULL,
	`issued_by_order_id` text(36),
	`redeemed_by_order_id` text(36),
	`status` text(8) DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`rule_id`) REFERENCES `gift_code_rules`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`issued_by_order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`redeemed_by_order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "gift_codes_status_chk" CHECK("status" in ('active', 'redeemed', 'void', 'expired')),
	CONSTRAINT "gift_codes_value_chk" CHECK("value" > 0),
	CONSTRAINT "gift_codes_quantity_chk" CHECK("quantity" >= 0)
);

--> statement-breakpoint
CREATE INDEX `gift_codes_tenant_id_status_expires_at_idx` ON `gift_codes` (`tenant_id`,`status`,`expires_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `gift_codes_tenant_id_code_uq` ON `gift_codes` (`tenant_id`,`code`);
--> statement-breakpoint
CREATE TABLE `turnovers` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`document_no` text(32) NOT NULL,
	`staff_id` text(36) NOT NULL,
	`cash_amount` integer DEFAULT 0 NOT NULL,
	`mobile_amount` integer DEFAULT 0 NOT NULL,
	`period_start` text(10) NOT NULL,
	`period_end` text(10) NOT NULL,
	`status` text(9) DEFAULT 'submitted' NOT NULL,
	`confirmed_by` text(36),
	`confirmed_at` integer,
	`note` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "turnovers_status_chk" CHECK("status" in ('submitted', 'confirmed', 'rejected')),
	CONSTRAINT "turnovers_cash_amount_chk" CHECK("cash_amount" >= 0),
	CONSTRAINT "turnovers_mobile_amount_chk" CHECK("mobile_amount" >= 0)
);

--> statement-breakpoint
CREATE INDEX `turnovers_tenant_id_staff_id_period_start_idx` ON `turnovers` (`tenant_id`,`staff_id`,`period_start`);
--> statement-breakpoint
CREATE INDEX `turnovers_tenant_id_period_start_idx` ON `turnovers` (`tenant_id`,`period_start`);
--> statement-breakpoint
CREATE UNIQUE INDEX `turnovers_tenant_id_document_no_uq` ON `turnovers` (`tenant_id`,`document_no`);
--> statement-breakpoint
CREATE TABLE `settlements` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`kind` text(6) NOT NULL,
	`staff_id` text(36),
	`period_start` text(10) NOT NULL,
	`period_end` text(10) NOT NULL,
	`figures` text NOT NULL,
	`status` text(5) DEFAULT 'draft' NOT NULL,
	`settled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "settlements_kind_chk" CHECK("kind" in ('goods', 'profit')),
	CONSTRAINT "settlements_status_chk" CHECK("status" in ('draft', 'final'))
);

--> statement-breakpoint
CREATE INDEX `settlements_tenant_id_kind_period_start_idx` ON `settlements` (`tenant_id`,`kind`,`period_start`);
--> statement-breakpoint
CREATE INDEX `settlements_tenant_id_staff_id_idx` ON `settlements` (`tenant_id`,`staff_id`);
--> statement-breakpoint
CREATE TABLE `device_credentials` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`public_key` text NOT NULL,
	`key_id` text(64) NOT NULL,
	`activated_at` integer NOT NULL,
	`revoked_at` integer,
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
CREATE TABLE `activation_codes` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`code_hash` text(64) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `activation_codes_tenant_id_machine_id_idx` ON `activation_codes` (`tenant_id`,`machine_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `activation_codes_code_hash_uq` ON `activation_codes` (`code_hash`);
--> statement-breakpoint
CREATE TABLE `device_nonces` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`key_id` text(64) NOT NULL,
	`nonce` text(64) NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36)
);

--> statement-breakpoint
CREATE INDEX `device_nonces_expires_at_idx` ON `device_nonces` (`expires_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_nonces_key_id_nonce_uq` ON `device_nonces` (`key_id`,`nonce`);
--> statement-breakpoint
CREATE TABLE `machine_status` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`online` integer DEFAULT false NOT NULL,
	`last_heartbeat_at` integer,
	`temperature` integer,
	`door_open` integer DEFAULT false NOT NULL,
	`app_version` text(32),
	`firmware` text(32),
	`errors` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `machine_status_tenant_id_online_idx` ON `machine_status` (`tenant_id`,`online`);
--> statement-breakpoint
CREATE INDEX `machine_status_last_heartbeat_at_idx` ON `machine_status` (`last_heartbeat_at`);
--> statement-breakpoint
CREATE UNIQUE INDEX `machine_status_machine_id_uq` ON `machine_status` (`machine_id`);
--> statement-breakpoint
CREATE TABLE `alarms` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`kind` text(17) NOT NULL,
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
	CONSTRAINT "alarms_kind_chk" CHECK("kind" in ('offline', 'door_open', 'temperature', 'motor_fault', 'jam', 'channel_empty', 'bill_stacker_full', 'coin_tube_low', 'payment_device')),
	CONSTRAINT "alarms_severity_chk" CHECK("severity" in ('info', 'warning', 'critical'))
);

--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_raised_at_idx` ON `alarms` (`tenant_id`,`raised_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_machine_id_raised_at_idx` ON `alarms` (`tenant_id`,`machine_id`,`raised_at`);
--> statement-breakpoint
CREATE INDEX `alarms_tenant_id_acknowledged_at_idx` ON `alarms` (`tenant_id`,`acknowledged_at`);
--> statement-breakpoint
CREATE TABLE `terminal_logs` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`upload_id` text(36) NOT NULL,
	`level` text(5) NOT NULL,
	`lines` integer NOT NULL,
	`content` text NOT NULL,
	`from` integer NOT NULL,
	`to` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "terminal_logs_level_chk" CHECK("level" in ('debug', 'info', 'warn', 'error'))
);

--> statement-breakpoint
CREATE INDEX `terminal_logs_tenant_id_machine_id_from_idx` ON `terminal_logs` (`tenant_id`,`machine_id`,`from`);
--> statement-breakpoint
CREATE UNIQUE INDEX `terminal_logs_machine_id_upload_id_uq` ON `terminal_logs` (`machine_id`,`upload_id`);
--> statement-breakpoint
CREATE TABLE `ads` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`name` text(64) NOT NULL,
	`media_type` text(5) NOT NULL,
	`url` text(500) NOT NULL,
	`sha256` text(64) NOT NULL,
	`duration_seconds` integer DEFAULT 10 NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "ads_media_type_chk" CHECK("media_type" in ('image', 'video')),
	CONSTRAINT "ads_duration_seconds_chk" CHECK("duration_seconds" > 0)
);

--> statement-breakpoint
CREATE INDEX `ads_tenant_id_enabled_idx` ON `ads` (`tenant_id`,`enabled`);
--> statement-breakpoint
CREATE TABLE `ad_machines` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`ad_id` text(36) NOT NULL,
	`machine_id` text(36) NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`ad_id`) REFERENCES `ads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`machine_id`) REFERENCES `machines`(`id`) ON UPDATE no action ON DELETE cascade
);

--> statement-breakpoint
CREATE INDEX `ad_machines_tenant_id_machine_id_idx` ON `ad_machines` (`tenant_id`,`machine_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `ad_machines_ad_id_machine_id_uq` ON `ad_machines` (`ad_id`,`machine_id`);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`user_id` text(36),
	`action` text(64) NOT NULL,
	`entity` text(64) NOT NULL,
	`entity_id` text(36),
	`before` text,
	`after` text,
	`request_id` text(36),
	`ip` text(45),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict
);

--> statement-breakpoint
CREATE INDEX `audit_log_tenant_id_created_at_idx` ON `audit_log` (`tenant_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant_id_entity_entity_id_idx` ON `audit_log` (`tenant_id`,`entity`,`entity_id`);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant_id_user_id_created_at_idx` ON `audit_log` (`tenant_id`,`user_id`,`created_at`);
--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`provider` text(32) NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`status` text(9) DEFAULT 'running' NOT NULL,
	`checked` integer DEFAULT 0 NOT NULL,
	`discrepancy_count` integer DEFAULT 0 NOT NULL,
	`finished_at` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "reconciliation_runs_status_chk" CHECK("status" in ('running', 'succeeded', 'failed'))
);

--> statement-breakpoint
CREATE INDEX `reconciliation_runs_tenant_id_period_start_idx` ON `reconciliation_runs` (`tenant_id`,`period_start`);
--> statement-breakpoint
CREATE TABLE `reconciliation_discrepancies` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`tenant_id` text(36) NOT NULL,
	`run_id` text(36) NOT NULL,
	`order_id` text(36),
	`kind` text(19) NOT NULL,
	`provider_trade_no` text(64),
	`expected` integer,
	`actual` integer,
	`resolved_at` integer,
	`note` text(255),
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`run_id`) REFERENCES `reconciliation_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "reconciliation_discrepancies_kind_chk" CHECK("kind" in ('missing_at_provider', 'missing_locally', 'amount_mismatch', 'status_mismatch'))
);

--> statement-breakpoint
CREATE INDEX `reconciliation_discrepancies_tenant_id_run_id_idx` ON `reconciliation_discrepancies` (`tenant_id`,`run_id`);
--> statement-breakpoint
CREATE INDEX `reconciliation_discrepancies_tenant_id_resolved_at_idx` ON `reconciliation_discrepancies` (`tenant_id`,`resolved_at`);
--> statement-breakpoint
CREATE TABLE `backups` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`location` text(500) NOT NULL,
	`size_bytes` integer,
	`sha256` text(64),
	`status` text(9) DEFAULT 'running' NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36),
	CONSTRAINT "backups_status_chk" CHECK("status" in ('running', 'succeeded', 'failed'))
);

--> statement-breakpoint
CREATE INDEX `backups_started_at_idx` ON `backups` (`started_at`);
--> statement-breakpoint
CREATE TABLE `job_locks` (
	`id` text(36) PRIMARY KEY NOT NULL,
	`name` text(64) NOT NULL,
	`holder` text(64) NOT NULL,
	`locked_until` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text(36),
	`updated_by` text(36)
);

--> statement-breakpoint
CREATE UNIQUE INDEX `job_locks_name_uq` ON `job_locks` (`name`);
