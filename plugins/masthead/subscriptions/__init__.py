"""The subscription service: sign-up with double opt-in, one-click unsubscribe, preferences."""
