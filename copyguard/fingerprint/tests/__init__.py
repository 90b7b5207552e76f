"""Tests of the identification engine."""
