"""The world the deliveries describe: reference tables (departments, items, businesses, events,
names), divisions, identifiers with correct check characters, dates, and the model classes."""
