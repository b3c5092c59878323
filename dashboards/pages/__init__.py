"""The dashboard's pages, one module each, in the order of the navigation."""
