"""The HTTP routes, one router per resource; each route parses, calls the service or chat, and returns."""
