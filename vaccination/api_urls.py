app_name = "vaccination-api"

urlpatterns: list = []
