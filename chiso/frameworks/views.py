from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chiso.frameworks.models import Framework


@login_required
def framework_list(request):
    frameworks = Framework.objects.restrict(request.user).prefetch_related("versions")
    return render(request, "frameworks/framework_list.html", {"frameworks": frameworks})
