"""Legal checks a data protection officer would make: rules with stable ids, run per organism, with waivers."""
