ALTER TABLE `login_throttles` ADD `in_flight` integer DEFAULT 0 NOT NULL;
