"""Tests of the whole platform: the stack, the all-in-one, the browser and the deployment."""
