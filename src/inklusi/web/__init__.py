"""The web application's shared parts: layout, static assets, sessions, rendering, area picker."""
