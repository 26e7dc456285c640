"""Index results pages: each part of the app keeps its own routes (analytics, imports, assessments)."""

from chiso.scores import analytics_urls, assessment_urls, import_urls

urlpatterns = [*analytics_urls.urlpatterns, *import_urls.urlpatterns, *assessment_urls.urlpatterns]
