# Build: docker build -t wsisbot .
# Run:   docker run --env-file wsisbot.env -p 8080:8080 -p 127.0.0.1:9090:9090 wsisbot
#        8080: Slack's request URLs (public, behind HTTPS); 9090: /healthz, /readyz,
#        /metrics (internal only: probes and Prometheus).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/wsisbot ./cmd/wsisbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wsisbot /usr/local/bin/wsisbot
ENV WSISBOT_HTTP_ADDR=0.0.0.0:8080 WSISBOT_HEALTH_ADDR=0.0.0.0:9090
EXPOSE 8080 9090
USER nonroot
ENTRYPOINT ["/usr/local/bin/wsisbot"]
CMD ["serve"]
