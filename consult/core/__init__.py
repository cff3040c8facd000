"""The shared layer: what every feature uses; it imports no feature."""
