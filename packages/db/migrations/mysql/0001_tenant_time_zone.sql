ALTER TABLE `tenants` ADD `time_zone` varchar(64) DEFAULT 'Asia/Shanghai' NOT NULL;
