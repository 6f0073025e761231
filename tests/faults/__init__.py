"""Faults: killed processes, restarted servers, a database that goes away, and backup and restore."""
