"""Pages of publicity and training: public ones (views.public, views.calendar) and the
back office (views.manage)."""
