"""Intake: the front door — submissions over HTTP and the public AMQP queue, and their status."""
