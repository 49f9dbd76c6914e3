ALTER TABLE `login_throttles` ADD `in_flight` int DEFAULT 0 NOT NULL;
