"""Models of this app arrive with its issue; see ARCHITECTURE.md for the layout."""
