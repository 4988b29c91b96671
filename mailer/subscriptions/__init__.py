"""Use cases on the subscriber store: lists, counting, showing, exporting and erasing people."""
