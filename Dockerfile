# syntax=docker/dockerfile:1
# The Switchboard image: the editor built with Node, the binary built static by
# scripts/build-static.sh (as make release does) with the editor embedded, and a distroless
# final stage (CA certificates, time zones, no shell) running as a non-root user.
#
#   docker build -t switchboard --build-arg VERSION=0.1.0 --build-arg COMMIT=$(git rev-parse HEAD) .
#   docker run -p 127.0.0.1:8080:8080 -v switchboard-data:/data switchboard

FROM node:20-bookworm-slim AS editor
WORKDIR /src/editor
COPY editor/package.json editor/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY editor/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=editor /src/editor/dist/ ./editor/dist/
ARG VERSION=dev
ARG COMMIT=
ARG BUILD_DATE=
RUN VERSION="$VERSION" COMMIT="$COMMIT" BUILD_DATE="$BUILD_DATE" scripts/build-static.sh /out/switchboard \
	&& mkdir -p /out/data /out/share \
	&& cp -r examples/flows /out/share/flows \
	&& /out/switchboard version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/switchboard /usr/local/bin/switchboard
COPY --from=build /out/share/flows /usr/share/switchboard/flows
COPY --from=build --chown=65532:65532 /out/data /data
COPY LICENSE /usr/share/switchboard/LICENSE
USER 65532:65532
WORKDIR /data
# the SQLite database lives in /data unless SWITCHBOARD_DB names a PostgreSQL one
VOLUME /data
ENV SWITCHBOARD_ADDR=0.0.0.0:8080 \
	SWITCHBOARD_DB=/data/switchboard.db \
	SWITCHBOARD_FLOWS=/usr/share/switchboard/flows \
	SWITCHBOARD_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
	CMD ["/usr/local/bin/switchboard", "healthcheck", "--url", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/switchboard"]
CMD ["serve"]
