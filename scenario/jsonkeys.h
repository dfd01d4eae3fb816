// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace beam {

/// A key written more than once in one JSON object. QJsonDocument keeps only the last of them, silently, so a
/// scenario with `"rate": 500, ..., "rate": 5000` would run at 5000 without a word.
struct DuplicateKey {
    QString path; ///< the key's JSON path, as errors name it: `$.config.rate`, `$.timeline[2].set.consumers`
    QString key; ///< the key as decoded (`"\u0072ate"` is `rate`)
    int firstLine = 0; ///< where it was written first (1-based; columns count bytes, as for syntax errors)
    int firstColumn = 0;
    int line = 0; ///< where it was written again
    int column = 0;
};

/// Every key written again in the same object, in the order found. Reads JSON text that QJsonDocument has
/// accepted (on other text it stops at the first thing it cannot follow and says nothing more). Iterative: any
/// depth of nesting costs no stack. `keys`, if given, receives how many keys the text writes in all: with no
/// duplicate, the number of keys QJsonDocument keeps.
QList<DuplicateKey> findDuplicateKeys(QByteArrayView json, qsizetype *keys = nullptr);

} // namespace beam
