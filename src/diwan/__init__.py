"""Diwan: an open-source e-government platform for Iraq."""
