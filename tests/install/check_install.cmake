# SPDX-License-Identifier: MIT
# Installs a build into a scratch prefix and checks what desktop integration needs is there and valid.
# cmake -DBUILD_DIR=... -DPREFIX=... -DAPP_ID=... -DVERSION=... -DBINDIR=bin -DDATADIR=share
#       [-DDESKTOP_FILE_VALIDATE=...] [-DAPPSTREAMCLI=...] -P check_install.cmake
foreach(var BUILD_DIR PREFIX APP_ID VERSION BINDIR DATADIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_install: -D${var}= is missing")
    endif()
endforeach()

file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed (${result}):\n${output}")
endif()

set(binary "${PREFIX}/${BINDIR}/beam-me-up")
set(desktop "${PREFIX}/${DATADIR}/applications/${APP_ID}.desktop")
set(metainfo "${PREFIX}/${DATADIR}/metainfo/${APP_ID}.metainfo.xml")
set(icon "${PREFIX}/${DATADIR}/icons/hicolor/scalable/apps/${APP_ID}.svg")
foreach(file binary desktop metainfo icon)
    if(NOT EXISTS "${${file}}")
        message(FATAL_ERROR "not installed: ${${file}}\ncmake --install said:\n${output}")
    endif()
    message(STATUS "installed: ${${file}}")
endforeach()

# The installed binary runs and is this version.
execute_process(COMMAND "${binary}" --version RESULT_VARIABLE result OUTPUT_VARIABLE version_line)
if(NOT result EQUAL 0 OR NOT version_line MATCHES "^beam-me-up ${VERSION}")
    message(FATAL_ERROR "'${binary} --version' said '${version_line}' (exit ${result}), expected beam-me-up ${VERSION}")
endif()

# The three files name each other: Exec and Icon in the .desktop file, launchable and release in the metainfo.
file(READ "${desktop}" desktop_text)
foreach(line "Exec=beam-me-up" "Icon=${APP_ID}")
    if(NOT desktop_text MATCHES "\n${line}\n")
        message(FATAL_ERROR "${desktop} lacks the line '${line}'")
    endif()
endforeach()
file(READ "${metainfo}" metainfo_text)
foreach(needle "<id>${APP_ID}</id>" "<launchable type=\"desktop-id\">${APP_ID}.desktop</launchable>"
        "<release version=\"${VERSION}\"" "<content_rating")
    string(FIND "${metainfo_text}" "${needle}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${metainfo} lacks ${needle} (a new version needs a <release> entry)")
    endif()
endforeach()
file(READ "${icon}" icon_text)
if(NOT icon_text MATCHES "<svg")
    message(FATAL_ERROR "${icon} is not an SVG")
endif()

if(DESKTOP_FILE_VALIDATE)
    execute_process(COMMAND "${DESKTOP_FILE_VALIDATE}" "${desktop}" RESULT_VARIABLE result OUTPUT_VARIABLE out
        ERROR_VARIABLE out)
    if(NOT result EQUAL 0 OR NOT out STREQUAL "")
        message(FATAL_ERROR "desktop-file-validate ${desktop}:\n${out}")
    endif()
    message(STATUS "desktop-file-validate: passed")
else()
    message(STATUS "desktop-file-validate not found: skipped (apt-get install desktop-file-utils)")
endif()
if(APPSTREAMCLI)
    execute_process(COMMAND "${APPSTREAMCLI}" validate --no-net "${metainfo}" RESULT_VARIABLE result
        OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "appstreamcli validate ${metainfo}:\n${out}")
    endif()
    message(STATUS "appstreamcli validate: passed")
else()
    message(STATUS "appstreamcli not found: skipped (apt-get install appstream)")
endif()
