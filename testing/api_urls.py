from django.urls import path

from testing import api

app_name = "testing-api"

urlpatterns = [
    path("testing/labs/", api.LabListApi.as_view(), name="lab-list"),
    path("testing/labs/<int:pk>/samples/", api.LabSamplesApi.as_view(), name="lab-samples"),
    path("testing/labs/<int:pk>/receive/", api.LabReceiveApi.as_view(), name="lab-receive"),
    path("testing/labs/<int:pk>/results/", api.LabResultApi.as_view(), name="lab-result"),
    path("testing/labs/<int:pk>/results/batch/", api.LabResultBatchApi.as_view(), name="lab-result-batch"),
    path("testing/labs/<int:pk>/pools/", api.LabPoolsApi.as_view(), name="lab-pools"),
    path("testing/labs/<int:pk>/pools/<str:code>/result/", api.PoolResultApi.as_view(), name="pool-result"),
    path(
        "testing/labs/<int:pk>/pools/<str:code>/correction/",
        api.PoolCorrectionApi.as_view(),
        name="pool-correction",
    ),
]
