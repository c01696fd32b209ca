package io.infrakit.plugins.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Error answers Jetty makes itself (a malformed request, a head too large) as one line of plain text, as Go's
 * server writes them ({@code 400 Bad Request}), instead of an HTML page. A transfer coding other than chunked is
 * answered 501, as Go does ("unsupported transfer encoding"), where Jetty says 400.
 */
final class PlainErrors implements Request.Handler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        if (status == HttpStatus.BAD_REQUEST_400 && String.valueOf(message).startsWith("Bad Transfer-Encoding")) {
            status = HttpStatus.NOT_IMPLEMENTED_501;
            response.setStatus(status);
        }
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        Answers.text(response, callback, status, status + " " + HttpStatus.getMessage(status) + "\n");
        return true;
    }
}
