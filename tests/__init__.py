"""The tests: a package per service, as the code is laid out, plus shared/ and e2e/."""
