// SPDX-License-Identifier: MIT
// A scene of the QML module QHotLive (qt_add_qml_module, loaded from qrc:).
import QtQuick

Item {
    width: 200
    height: 100
    Card { id: card; objectName: "card"; x: 20 }
    Rectangle { objectName: "other"; x: 120; width: 40; height: 40; color: "blue" }
}
