ALTER TABLE `machines` ADD `held_since` integer;
--> statement-breakpoint
UPDATE `machines` SET `held_since` = (SELECT max(`sold_at`) FROM `machine_sales` WHERE `machine_sales`.`machine_id` = `machines`.`id` AND `machine_sales`.`operator_id` = `machines`.`tenant_id`) WHERE `tenant_id` <> `manufacturer_id`;
