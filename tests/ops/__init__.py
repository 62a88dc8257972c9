"""The ops tool and page."""
