"""Pages of the dashboard; Dash imports every module here that calls register_page (helpers start with _)."""
