"""Code the four 微心愿 services share: settings, contracts, bus mechanics and storage helpers."""
