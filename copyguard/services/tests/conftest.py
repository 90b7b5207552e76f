from copyguard.services.tests.helpers import services_data_dir, world

__all__ = ["services_data_dir", "world"]
