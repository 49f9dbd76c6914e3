ALTER TABLE `tenants` ADD `time_zone` text(64) DEFAULT 'Asia/Shanghai' NOT NULL;
