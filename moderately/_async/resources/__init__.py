"""One module per platform resource: its model and its ``client.<name>`` namespace."""
