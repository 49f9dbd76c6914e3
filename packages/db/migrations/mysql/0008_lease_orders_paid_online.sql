ALTER TABLE `lease_orders` ADD `merchant_order_no` varchar(40);
--> statement-breakpoint
ALTER TABLE `lease_orders` ADD `trade_no` varchar(64);
--> statement-breakpoint
ALTER TABLE `lease_orders` ADD `qr_content` text;
--> statement-breakpoint
ALTER TABLE `lease_orders` ADD `qr_expires_at` datetime(3);
