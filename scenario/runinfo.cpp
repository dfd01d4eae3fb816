// SPDX-License-Identifier: MIT
#include "runinfo.h"

#include "configjson.h"

#include "core/engine.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace beam {

RecordingInfo describeRun(const PipelineConfig &config, const QString &lessonSource, double speed)
{
    RecordingInfo info;
    info.appVersion = QCoreApplication::applicationVersion().toStdString();
    info.tbbVersion = oneTbbVersion();
    info.createdUtc = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    info.configJson = QJsonDocument(configToJson(config)).toJson(QJsonDocument::Compact).toStdString();
    info.lessonSpeed = speed;
    if (!lessonSource.isEmpty()) {
        info.lesson = QFileInfo(lessonSource).completeBaseName().toStdString();
        QFile file(lessonSource);
        if (file.open(QIODevice::ReadOnly))
            info.scenarioJson = file.readAll().toStdString();
    }
    return info;
}

} // namespace beam
